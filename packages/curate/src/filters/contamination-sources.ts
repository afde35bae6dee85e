import { basename } from 'node:path';
import { ConfigError, readDatasetFile } from '@treesynth/core';
import { parseOptions, textRows } from '@treesynth/core/internal';
import { loadBenchmarkSet } from '@treesynth/eval';
import { z } from 'zod';
import { readCsvRecords } from './_read-csv.js';

/** The shipped benchmark test sets decontamination checks by default. */
export const CONTAMINATION_BENCHMARKS = ['gsm8k', 'math500', 'humaneval', 'mbpp'] as const;
export type ContaminationBenchmark = (typeof CONTAMINATION_BENCHMARKS)[number];

/** Texts a dataset must not overlap: a benchmark test set or a user's file. */
export interface ContaminationSource {
  name: string;
  items: readonly { id: string; text: string }[];
}

const contaminationFileSchema = z.object({
  path: z.string().min(1).describe('a JSONL, JSON (array of objects) or CSV (header row) file'),
  field: z.string().min(1).optional().describe('the text field; default: guessed as the dataset reader does'),
  name: z.string().min(1).optional().describe("the source's name in removals; default: the file's name"),
});

export const contaminationSourcesOptionsSchema = z.object({
  benchmarks: z
    .array(z.enum(CONTAMINATION_BENCHMARKS))
    .default([...CONTAMINATION_BENCHMARKS])
    .describe(`shipped test sets to check against: ${CONTAMINATION_BENCHMARKS.join(', ')}`),
  files: z
    .array(
      // A bare path: the file, its field guessed.
      z.union([
        z
          .string()
          .min(1)
          .transform((path): z.output<typeof contaminationFileSchema> => ({ path })),
        contaminationFileSchema,
      ]),
    )
    .default([])
    .describe('further files whose texts the dataset must not overlap'),
});
export type ContaminationSourcesOptions = z.input<typeof contaminationSourcesOptionsSchema>;

/**
 * The texts to decontaminate against, in the order given: GSM8K test questions (`gsm8k/<row index>`,
 * from 0), MATH-500 problems (`unique_id`), HumanEval prompts (`task_id`), MBPP test-split texts
 * (task_id 11-510, `mbpp/<task_id>`), then each file's rows (`<name>/<line>`). Files go through
 * core's dataset reader (a CSV through its field rules); a file with bad rows is refused, naming the
 * first, since a silently skipped row could hide a contaminated one.
 */
export async function loadContaminationSources(
  options: ContaminationSourcesOptions = {},
): Promise<ContaminationSource[]> {
  const { benchmarks, files } = parseOptions(contaminationSourcesOptionsSchema, options);
  const sources: ContaminationSource[] = [];
  for (const name of benchmarks) sources.push({ name, items: await benchmarkItems(name) });
  for (const [index, file] of files.entries()) {
    const name = file.name ?? basename(file.path);
    if (sources.some((source) => source.name === name))
      throw new ConfigError({
        path: `files[${index}].name`,
        message: `source name ${name} is already in use`,
      });
    const { rows, problems } = file.path.toLowerCase().endsWith('.csv')
      ? textRows(await readCsvRecords(file.path), { source: file.path, field: file.field })
      : await readDatasetFile(file.path, file.field);
    const [problem] = problems;
    if (problem !== undefined) {
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more bad rows)` : '';
      throw new ConfigError({ path: `${file.path}:${problem.line}`, message: `${problem.reason}${more}` });
    }
    sources.push({ name, items: rows.map((row) => ({ id: `${name}/${row.line}`, text: row.text })) });
  }
  return sources;
}

async function benchmarkItems(name: ContaminationBenchmark): Promise<ContaminationSource['items']> {
  switch (name) {
    case 'gsm8k':
      return (await loadBenchmarkSet('gsm8k-test')).map((row, index) => ({
        id: `gsm8k/${index}`,
        text: row.question,
      }));
    case 'math500':
      return (await loadBenchmarkSet('math500-test')).map((row) => ({
        id: row.unique_id,
        text: row.problem,
      }));
    case 'humaneval':
      return (await loadBenchmarkSet('humaneval')).map((row) => ({ id: row.task_id, text: row.prompt }));
    case 'mbpp':
      return (await loadBenchmarkSet('mbpp'))
        .filter((row) => row.task_id >= 11 && row.task_id <= 510)
        .map((row) => ({ id: `mbpp/${row.task_id}`, text: row.text }));
  }
}
