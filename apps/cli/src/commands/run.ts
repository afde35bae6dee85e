import { defineCommand, type ParsedValues } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { formatSummary } from '../format-summary.js';
import { interruptSignal } from '../interrupt.js';
import { runJob } from '../run-job.js';
import { CURATION_OPTIONS, curateFolder, formatCuration, wantsCuration } from './curate.js';
import { JOB_OPTIONS, jobRequest } from './job-options.js';

/** Shared by `run` and `tree`: run the job, print the summary, map the status to an exit code. */
export async function executeJob(values: ParsedValues, treeOnly: boolean): Promise<number> {
  const interrupt = interruptSignal();
  try {
    const { dir, summary, ...extras } = await runJob(jobRequest(values, treeOnly, interrupt.signal));
    // Curation (docs/curate.md) follows a finished run when the flags, config or last curation ask for it.
    const curated =
      !treeOnly && summary.status === 'complete' && wantsCuration(dir, values)
        ? await curateFolder(dir, values, interrupt.signal)
        : undefined;
    process.stdout.write(
      values.json === true
        ? `${JSON.stringify({ dir, ...summary, ...extras, ...(curated ? { curation: curated.summary } : {}) }, null, 2)}\n`
        : formatSummary(dir, summary, extras) + (curated ? formatCuration(curated) : ''),
    );
    // `tree` did its part (stage one) unless stopped; the status it printed is the run's, left as it was.
    if (treeOnly) return interrupt.signal.aborted ? EXIT.interrupted : EXIT.ok;
    if (summary.status === 'interrupted') return EXIT.interrupted;
    // Failed leaf calls: the dataset is short, and the summary says how to retry them.
    return summary.status === 'incomplete' ? EXIT.failed : EXIT.ok;
  } finally {
    interrupt.dispose();
  }
}

export const runCommand = defineCommand({
  name: 'run',
  summary: 'Build the partition tree for a task and synthesize samples in every leaf.',
  usage: 'treesynth run --task <name|file> --model <id> [options]',
  options: { ...JOB_OPTIONS, ...CURATION_OPTIONS },
  notes: [
    'The key is read from OPENAI_API_KEY (never written anywhere); loopback endpoints need none.',
    'Everything goes to the run folder: run.json, tree.json, samples.jsonl, events.jsonl, usage.json, cache/.',
    'A stopped or killed run continues with --resume --out <dir> and ends with the same dataset.',
    'Leaf calls that still fail after their retries leave the run incomplete (exit 1); --resume retries them.',
    'A resume may raise --max-samples: every row already made is kept and each leaf is topped up to its new share',
    '(as many rows per leaf as a fresh run with that budget, not the same rows).',
    'Curation flags (--answer, --verify N, --judge, or `curation` in --config) curate the finished run in place',
    '(treesynth curate <run> does it alone); a resume with a changed setting redoes only that step and later ones.',
  ].join('\n'),
  examples: [
    'treesynth run --task gsm8k --model gpt-4o-mini --depth 3 --out runs/gsm8k',
    'treesynth run --task generic --description "customer-support emails about billing" --model llama3 --base-url http://localhost:11434/v1',
    'treesynth run --resume --out runs/gsm8k',
    'treesynth run --task gsm8k --model gpt-4o-mini --max-samples 1000 --answer --verify 5 --out runs/gsm8k',
  ],
  run: (values) => executeJob(values, false),
});
