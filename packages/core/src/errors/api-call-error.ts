import { TreeSynthError } from './treesynth-error.js';

/** A call to a model endpoint failed. `isRetryable` says whether the same call may succeed later. */
export class ApiCallError extends TreeSynthError {
  readonly statusCode: number | undefined;
  readonly isRetryable: boolean;
  readonly url: string | undefined;
  /** Seconds the server asked us to wait (Retry-After), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(options: {
    message: string;
    statusCode?: number;
    isRetryable: boolean;
    url?: string;
    retryAfterSeconds?: number;
    cause?: unknown;
  }) {
    super({ code: 'api', message: options.message, cause: options.cause });
    this.name = 'ApiCallError';
    this.statusCode = options.statusCode;
    this.isRetryable = options.isRetryable;
    this.url = options.url;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
