import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { JsonlAppender, readJsonl, repairTornTail, writeFileAtomic } from '@treesynth/core/internal';
import { z } from 'zod';
import type { StepOutcome } from './curation-step.js';

const headerSchema = z.object({ step: z.string(), fingerprint: z.string() });
const outcomeSchema = z.union([
  z.object({ id: z.string(), row: z.record(z.string(), z.unknown()) }),
  z.object({
    id: z.string(),
    removed: z.object({ reason: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
  }),
]);

/**
 * A step's record in `curation/<step>.jsonl`: a header line with the step's settings fingerprint,
 * then one outcome a line, appended as each row finishes. A kill tears at most the last line (dropped
 * on open); a header with another fingerprint means the settings changed, and the log starts over.
 */
export class StepLog {
  private constructor(
    private readonly appender: JsonlAppender,
    /** Outcomes already logged, by row id. */
    readonly done: Map<string, StepOutcome>,
  ) {}

  static async open(file: string, step: string, fingerprint: string): Promise<StepLog> {
    mkdirSync(dirname(file), { recursive: true });
    await repairTornTail(file);
    const done = new Map<string, StepOutcome>();
    let current = false;
    if (existsSync(file)) {
      let first = true;
      for await (const line of readJsonl<unknown>(file)) {
        if (first) {
          const header = headerSchema.safeParse(line);
          current = header.success && header.data.step === step && header.data.fingerprint === fingerprint;
          first = false;
          if (!current) break;
          continue;
        }
        const outcome = outcomeSchema.parse(line) as StepOutcome;
        done.set(outcome.id, outcome);
      }
    }
    if (!current) writeFileSync(file, `${JSON.stringify({ step, fingerprint })}\n`);
    return new StepLog(new JsonlAppender(file), done);
  }

  /** A set step's whole log, written at once (atomically): a kill leaves the old log or the new one. */
  static async write(file: string, step: string, fingerprint: string, outcomes: readonly StepOutcome[]) {
    mkdirSync(dirname(file), { recursive: true });
    const lines = [{ step, fingerprint }, ...outcomes].map((item) => `${JSON.stringify(item)}\n`);
    await writeFileAtomic(file, lines.join(''));
  }

  async append(outcome: StepOutcome): Promise<void> {
    this.done.set(outcome.id, outcome);
    await this.appender.append([outcome]);
  }

  close(): Promise<void> {
    return this.appender.close();
  }
}
