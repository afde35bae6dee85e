export { AbortedError, throwIfAborted } from './abort-error.js';
export { ApiCallError } from './api-call-error.js';
export { ConfigError } from './config-error.js';
export { DeferredCallError } from './deferred-call-error.js';
export { RunLockedError } from './run-locked-error.js';
export { RunStoreError } from './run-store-error.js';
export { RunWriteError } from './run-write-error.js';
export { StructuredOutputError } from './structured-output-error.js';
export { TreeSynthError } from './treesynth-error.js';
