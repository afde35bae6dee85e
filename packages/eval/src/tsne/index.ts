export { EXACT_NEIGHBOURS_MAX_ROWS, type NeighbourMethod } from './nearest-neighbours.js';
export {
  type PrincipalComponentsOptions,
  type PrincipalComponentsResult,
  principalComponents,
} from './principal-components.js';
export { type TsneOptions, type TsneProgress, type TsneResult, type TsneTimings, tsne } from './tsne.js';
