// Routing: every sample to exactly one leaf.
export type {
  LevelDecision,
  Route,
  RouteOptions,
  RouteProgress,
  Router,
  RouterKind,
  RouterStats,
} from './routing/route-types.js';
