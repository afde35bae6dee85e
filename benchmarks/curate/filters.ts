/**
 * Curation filters benchmark: prints, asserts nothing.
 *
 * Rows/s of exact deduplication, MinHash near-duplicate removal and decontamination (against all four
 * shipped benchmark test sets, index build included) on 10,000 and 100,000 synthetic rows, beside a
 * baseline measured in the same run: normalising every row's text once (`normalizeText`), the least
 * any of the filters must do. Rows are synthesized from the 7,473 GSM8K train questions (1–3 context
 * sentences and one question sentence from different problems); 5% are exact copies of other rows
 * (case and spacing changed), 5% near copies (two words replaced) and 0.5% contain a GSM8K test
 * question, so the filters find something to remove. Peak RSS is the process's maximum so far
 * (sizes run smallest first).
 *
 * Usage: node --conditions=@treesynth/source --import tsx benchmarks/curate/filters.ts [--sizes 10000,100000]
 *
 * Single-threaded. Prints wall and CPU seconds, rows per wall and per CPU second, and the load average: on a shared machine the wall
 * time grows with the other load, the CPU time much less.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRandom } from '@treesynth/core/internal';
import {
  decontaminate,
  exactDuplicates,
  type FilterRow,
  loadContaminationSources,
  nearDuplicates,
  normalizeText,
} from '../../packages/curate/src/filters/index.js';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const { values: flags } = parseArgs({ options: { sizes: { type: 'string', default: '10000,100000' } } });
const sizes = flags.sizes.split(',').map(Number);

const loadAverage = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
const peakRss = () => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;

const sentences = (text: string) => text.match(/[^.?!]+[.?!]?/g)?.map((part) => part.trim()) ?? [text];
const train = readFileSync(`${DATA}/gsm8k/train.jsonl`, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => sentences((JSON.parse(line) as { question: string }).question));
const contexts = train.flatMap((parts) => parts.slice(0, -1));
const questions = train.map((parts) => parts.at(-1)!);

function synthesize(n: number, testQuestions: readonly string[]): FilterRow[] {
  const random = createRandom(`curate-filters:${n}`);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const texts: string[] = [];
  for (let i = 0; i < n; i++) {
    const roll = random();
    if (i > 0 && roll < 0.05) texts.push(`  ${pick(texts).toUpperCase()}`);
    else if (i > 0 && roll < 0.1) {
      const words = pick(texts).split(' ');
      for (let k = 0; k < 2; k++) words[Math.floor(random() * words.length)] = `word${k}`;
      texts.push(words.join(' '));
    } else if (roll < 0.105) texts.push(`Please solve: ${pick(testQuestions)}`);
    else {
      const context = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(contexts));
      texts.push([...context, pick(questions)].join(' '));
    }
  }
  return texts.map((text, i) => ({ id: `leaf-${i % 500}.${Math.floor(i / 500)}.0`, text }));
}

function timed<T>(
  label: string,
  rows: number,
  compute: () => T,
  baseline?: number,
): { value: T; seconds: number } {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const value = compute();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const removed = Array.isArray(value) ? `${value.length} removed` : '';
  const ratio = baseline === undefined ? 'baseline' : `${(seconds / baseline).toFixed(1)}× baseline`;
  const rate = (time: number) =>
    Math.round(rows / time)
      .toLocaleString('en')
      .padStart(9);
  console.log(
    `${label.padEnd(34)} ${seconds.toFixed(2).padStart(7)} s ${cpuSeconds.toFixed(2).padStart(7)} s ` +
      `${rate(seconds)} ${rate(cpuSeconds)}  ${ratio.padEnd(15)} ${removed.padEnd(14)} ` +
      `peak RSS ${peakRss()}  load ${loadAverage()}`,
  );
  return { value, seconds };
}

const sources = await loadContaminationSources();
const testQuestions = sources[0]!.items.map((item) => item.text);
console.log(
  `node ${process.version}, ${cpus().length} cores, load average ${loadAverage()}; sources: ` +
    `${sources.map((source) => `${source.name} ${source.items.length}`).join(', ')}\n`,
);
console.log(`${''.padEnd(34)}    wall      cpu  rows/s (wall, cpu)  ratio of wall times`);
for (const n of sizes) {
  const rows = synthesize(n, testQuestions);
  const words = rows.reduce((sum, row) => sum + row.text.split(' ').length, 0);
  console.log(`${n.toLocaleString('en')} rows (${(words / n).toFixed(1)} words a row)`);
  const { seconds: baseline } = timed('  baseline: normalizeText', n, () => {
    let length = 0;
    for (const row of rows) length += normalizeText(row.text).length;
    return length;
  });
  timed('  exactDuplicates', n, () => exactDuplicates(rows), baseline);
  timed('  nearDuplicates (128 perm, 0.8)', n, () => nearDuplicates(rows), baseline);
  const caught = timed('  decontaminate (13-grams, 4 sets)', n, () => decontaminate(rows, sources), baseline);
  const bySource = new Map<string, number>();
  for (const removal of caught.value) bySource.set(removal.source, (bySource.get(removal.source) ?? 0) + 1);
  console.log(
    `  caught per source: ${[...bySource].map(([name, count]) => `${name} ${count}`).join(', ')}\n`,
  );
}
