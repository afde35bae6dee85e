import { TreeSynthError } from './treesynth-error.js';

/**
 * A call was not made now but handed to a batch job (OpenAI Batch, vLLM's batch runner). The engine
 * leaves it pending; the run ends `awaiting-batch` and continues when the results are ingested.
 */
export class DeferredCallError extends TreeSynthError {
  readonly callKey: string;
  constructor(callKey: string) {
    super({ code: 'deferred', message: `call ${callKey} deferred to a batch job` });
    this.name = 'DeferredCallError';
    this.callKey = callKey;
  }
}
