import type { BenchmarkName } from '@treesynth/eval';

/** A shipped benchmark problem as the simulator knows it: how to recognise it and its reference answer. */
export interface BenchEntry {
  benchmark: BenchmarkName;
  /** The id the benchmark definitions give it (see `BenchProblem.id`). */
  id: string;
  /** Reference answer: the gold number (GSM8K) or LaTeX answer (MATH); the code of the code benchmarks. */
  answer: string;
  /** The released solution (GSM8K, MATH); the HumanEval prompt. */
  solution: string;
  /** Position among its set's problems, to pick "another problem" for a wrong answer. */
  index: number;
  /** Problems of the same set, for a wrong answer taken from another problem. */
  set: readonly BenchEntry[];
}

/** The shipped sets, with every recognition key (whitespace-normalised text) of every problem. */
export interface BenchIndex {
  /** The problem whose key ends last in `text` (the one asked, after any few-shot examples). */
  recognise(text: string): BenchEntry | undefined;
}

/** Keys are looked up by their first characters, so one pass over the prompt finds every candidate. */
const PREFIX = 16;

/** Runs of whitespace as one space, trimmed: prompts re-indent, strip and wrap problem texts. */
export function normalizeSpace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

let loaded: Promise<BenchIndex> | undefined;

/** The index of the shipped sets, read once per process on first use. */
export function loadBenchIndex(): Promise<BenchIndex> {
  loaded ??= buildIndex();
  return loaded;
}

async function buildIndex(): Promise<BenchIndex> {
  // Loaded here, not at the top: a simulator that never sees a benchmark prompt never loads eval.
  const { gsm8kGoldAnswer, loadBenchmarkSet } = await import('@treesynth/eval');
  const keys = new Map<string, { key: string; entry: BenchEntry }[]>();
  const add = (key: string, entry: BenchEntry) => {
    const normal = normalizeSpace(key);
    if (normal.length < PREFIX) return;
    const bucket = keys.get(normal.slice(0, PREFIX)) ?? [];
    bucket.push({ key: normal, entry });
    keys.set(normal.slice(0, PREFIX), bucket);
  };
  const makeSet = <Row>(
    rows: readonly Row[],
    make: (row: Row, index: number) => Omit<BenchEntry, 'index' | 'set'> & { keys: string[] },
  ) => {
    const set: BenchEntry[] = [];
    rows.forEach((row, index) => {
      const { keys: rowKeys, ...fields } = make(row, index);
      const entry: BenchEntry = { ...fields, index, set };
      set.push(entry);
      for (const key of rowKeys) add(key, entry);
    });
  };
  makeSet(await loadBenchmarkSet('gsm8k-test'), (row, index) => ({
    benchmark: 'gsm8k',
    id: `gsm8k/${index}`,
    answer: gsm8kGoldAnswer(row.answer),
    solution: row.answer,
    keys: [row.question],
  }));
  makeSet(await loadBenchmarkSet('math500-test'), (row) => ({
    benchmark: 'math',
    id: row.unique_id,
    answer: row.answer,
    solution: row.solution,
    keys: [row.problem],
  }));
  makeSet(await loadBenchmarkSet('humaneval'), (row) => ({
    benchmark: 'humaneval',
    id: row.task_id,
    answer: row.canonical_solution,
    solution: row.prompt,
    keys: [row.prompt],
  }));
  makeSet(await loadBenchmarkSet('mbpp'), (row) => ({
    benchmark: 'mbpp',
    id: `mbpp/${row.task_id}`,
    answer: row.code,
    solution: '',
    keys: [row.text, ...row.test_list.slice(0, 1)],
  }));
  makeSet(await loadBenchmarkSet('mbpp-sanitized'), (row) => ({
    benchmark: 'mbpp',
    id: `mbpp/${row.task_id}`,
    answer: row.code,
    solution: '',
    keys: [row.prompt, ...row.test_list.slice(0, 1)],
  }));

  return {
    recognise(text) {
      const normal = normalizeSpace(text);
      let best: { end: number; length: number; entry: BenchEntry } | undefined;
      for (let start = 0; start + PREFIX <= normal.length; start++) {
        const bucket = keys.get(normal.slice(start, start + PREFIX));
        if (!bucket) continue;
        for (const { key, entry } of bucket) {
          if (!normal.startsWith(key, start)) continue;
          const end = start + key.length;
          if (!best || end > best.end || (end === best.end && key.length > best.length))
            best = { end, length: key.length, entry };
        }
      }
      return best?.entry;
    },
  };
}
