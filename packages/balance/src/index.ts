// The whole job: a dataset in, a balance folder out.
export { type BalanceResult, balanceDataset } from './balance-dataset.js';
export {
  type BalanceOptions,
  balanceOptionsSchema,
  type ModelSource,
  type ModelSourceContext,
  type ParsedBalanceOptions,
  ROUTER_KINDS,
} from './balance-options.js';
// The balance folder's files.
export {
  BALANCE_FILES,
  type BalanceInputs,
  type BalanceManifest,
  type BalanceStatus,
  balanceManifestSchema,
  readBalanceManifest,
} from './output/balance-manifest.js';
export type { BalanceReportInput } from './output/balance-report-input.js';
// The page `treesynth balance` writes: pass it to eval's `writeReport`.
export { balanceReportInput } from './output/balance-report-page.js';
export type { BalanceProvenance } from './output/balanced-rows.js';
export { formatBalanceSummary } from './output/format-balance-summary.js';
export {
  type LeafDistribution,
  leafDistribution,
  leafDistributionSchema,
} from './output/leaf-distribution.js';
export { type BalanceRouter, type PlanFile, planFileSchema, readPlanFile } from './output/plan-file.js';
export type { RouteLine } from './output/route-lines.js';

// Planning: targets per leaf, seeded downsampling, synthesis of shortfalls.
export {
  type BalancePlan,
  type BalancePlanTotals,
  type LeafPlan,
  type PlanBalanceOptions,
  planBalance,
} from './plan/balance-plan.js';
export type { SynthesizedCurator } from './plan/curate-synthesis.js';
export { downsample } from './plan/downsample.js';
export { parseTargetCounts, type TargetSpec } from './plan/leaf-targets.js';
export {
  type LeafSynthesis,
  type SynthesisProgress,
  type SynthesisResult,
  type SynthesizeShortfallsOptions,
  synthesizeShortfalls,
} from './plan/synthesize-shortfalls.js';
// Routing: every sample to exactly one leaf.
export { combineEmbedders, type WeightedEmbedder } from './routing/combine-embedders.js';
export { type CreateRouterOptions, createRouter } from './routing/create-router.js';
export {
  createEmbeddingRouter,
  type EmbeddingRouter,
  type EmbeddingRouterOptions,
  SELF_TRAINING_MODES,
  type SelfTrainingMode,
} from './routing/embedding-router.js';
export { createHybridRouter, type HybridRouter, type HybridRouterOptions } from './routing/hybrid-router.js';
export { createLlmRouter, type LlmRouter, type LlmRouterOptions } from './routing/llm-router.js';
export type {
  LevelDecision,
  Route,
  RouteOptions,
  RouteProgress,
  Router,
  RouterKind,
  RouterStats,
} from './routing/route-types.js';
