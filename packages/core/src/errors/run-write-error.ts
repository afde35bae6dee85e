import { TreeSynthError } from './treesynth-error.js';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
};

/** A file of the run folder could not be written (a full disk, say): the run stops; --resume continues it. */
export class RunWriteError extends TreeSynthError {
  readonly file: string;
  /** The system's error code (`ENOSPC`, `EIO`, ...), when there is one. */
  readonly systemCode?: string;
  constructor(options: { file: string; cause: unknown }) {
    const systemCode = (options.cause as NodeJS.ErrnoException | undefined)?.code;
    const known = systemCode ? REASONS[systemCode] : undefined;
    const reason = known
      ? `${known} (${systemCode})`
      : options.cause instanceof Error
        ? options.cause.message
        : String(options.cause);
    super({
      code: 'run-write',
      message: `write error on ${options.file}: ${reason}`,
      cause: options.cause,
    });
    this.name = 'RunWriteError';
    this.file = options.file;
    if (systemCode) this.systemCode = systemCode;
  }
}
