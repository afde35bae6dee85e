import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '@treesynth/core/internal';
import { renderReport } from './render-report.js';
import type { ReportInput } from './report-input.js';

/** Render the report and write it to `file` (temp file, then rename), creating its folder. */
export async function writeReport(file: string, input: ReportInput): Promise<void> {
  const html = renderReport(input);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, html);
}

/** Where a report of `sources` goes by default: `<run>/report.html` for one run folder, else `./treesynth-report.html`. */
export function defaultReportFile(sources: readonly string[]): string {
  const only = sources.length === 1 ? sources[0]! : undefined;
  const isFolder = only !== undefined && statSync(only, { throwIfNoEntry: false })?.isDirectory() === true;
  return isFolder ? resolve(only, 'report.html') : resolve('treesynth-report.html');
}
