import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The benchmark test sets shipped in this package's `data/` folder (see data/README.md for sources
 * and licences). `src/bench/` and `dist/bench/` both sit two levels below the package root, so the
 * same relative URL finds the folder from source and from the built package.
 */
export const BENCHMARK_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

export const gsm8kRowSchema = z.object({ question: z.string(), answer: z.string() });
export type Gsm8kRow = z.infer<typeof gsm8kRowSchema>;

export const mathRowSchema = z.object({
  problem: z.string(),
  solution: z.string(),
  answer: z.string(),
  subject: z.string(),
  level: z.number().int(),
  unique_id: z.string(),
});
export type MathRow = z.infer<typeof mathRowSchema>;

export const humanEvalRowSchema = z.object({
  task_id: z.string(),
  prompt: z.string(),
  entry_point: z.string(),
  canonical_solution: z.string(),
  test: z.string(),
});
export type HumanEvalRow = z.infer<typeof humanEvalRowSchema>;

export const mbppRowSchema = z.object({
  task_id: z.number().int(),
  text: z.string(),
  code: z.string(),
  test_list: z.array(z.string()),
  test_setup_code: z.string(),
  challenge_test_list: z.array(z.string()),
});
export type MbppRow = z.infer<typeof mbppRowSchema>;

export const sanitizedMbppRowSchema = z.object({
  task_id: z.number().int(),
  prompt: z.string(),
  code: z.string(),
  test_imports: z.array(z.string()),
  test_list: z.array(z.string()),
});
export type SanitizedMbppRow = z.infer<typeof sanitizedMbppRowSchema>;

const SETS = {
  'gsm8k-test': { file: 'gsm8k/test.jsonl', schema: gsm8kRowSchema },
  'gsm8k-train': { file: 'gsm8k/train.jsonl', schema: gsm8kRowSchema },
  'gsm8k-train-shots': { file: 'gsm8k/train-shots.jsonl', schema: gsm8kRowSchema },
  'math500-test': { file: 'math/math500_test.jsonl', schema: mathRowSchema },
  humaneval: { file: 'humaneval/HumanEval.jsonl', schema: humanEvalRowSchema },
  mbpp: { file: 'mbpp/mbpp.jsonl', schema: mbppRowSchema },
  'mbpp-sanitized': { file: 'mbpp/sanitized-mbpp.json', schema: sanitizedMbppRowSchema },
} as const;

export type BenchmarkSetName = keyof typeof SETS;
export type BenchmarkSetRow<N extends BenchmarkSetName> = z.infer<(typeof SETS)[N]['schema']>;

/** Path of one shipped set's file. */
export function benchmarkSetPath(name: BenchmarkSetName): string {
  return `${BENCHMARK_DATA_DIR}${SETS[name].file}`;
}

const cache = new Map<BenchmarkSetName, Promise<unknown[]>>();

/**
 * Reads and validates one shipped set (JSONL, or a JSON array for the sanitized MBPP release).
 * The parsed rows are cached per process; callers must not mutate them.
 */
export function loadBenchmarkSet<N extends BenchmarkSetName>(
  name: N,
): Promise<readonly BenchmarkSetRow<N>[]> {
  let rows = cache.get(name);
  if (rows === undefined) {
    rows = readSet(name);
    cache.set(name, rows);
  }
  return rows as Promise<readonly BenchmarkSetRow<N>[]>;
}

async function readSet(name: BenchmarkSetName): Promise<unknown[]> {
  const { file, schema } = SETS[name];
  const path = benchmarkSetPath(name);
  const text = await readFile(path, 'utf8');
  const records: unknown[] = file.endsWith('.json')
    ? (JSON.parse(text) as unknown[])
    : text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as unknown);
  return records.map((record, index) => {
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `${path}: record ${index + 1}: ${issue?.path.join('.') || 'record'}: ${issue?.message}`,
      );
    }
    return parsed.data;
  });
}
