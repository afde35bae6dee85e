import { RunStoreError } from './run-store-error.js';

/** Another live process holds the run folder's lock (a run, resume, batch or balance in it). */
export class RunLockedError extends RunStoreError {
  readonly pid: number;
  readonly hostname: string;
  constructor(options: { dir: string; lockFile: string; pid: number; hostname: string; startedAt: string }) {
    super({
      file: options.dir,
      message: `in use by pid ${options.pid} on ${options.hostname} (since ${options.startedAt}); wait for it to finish or stop it (if that process is gone, delete ${options.lockFile})`,
    });
    this.name = 'RunLockedError';
    this.pid = options.pid;
    this.hostname = options.hostname;
  }
}
