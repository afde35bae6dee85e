// For the workspace's own packages, the CLI, benchmarks and tests; not a public API, may change without notice.

export { checkPassAtK } from './bench/bench-options.js';
export { createDotBlocks, type DotBlocks } from './metrics/_dot-blocks.js';
export {
  BUCKET_WINDOW,
  forEachCandidatePair,
  hashString,
  lshBanding,
  minHashSignatures,
  mix32,
  runKey53,
  sortedDistinct,
  sortedJaccard,
  wordShingleSet,
} from './metrics/_min-hash.js';
export { symmetricEigenvalues } from './metrics/symmetric-eigen.js';
export { tokenizeWords } from './metrics/tokenize-words.js';
