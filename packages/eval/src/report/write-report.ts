import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@treesynth/core/internal';
import { renderReport } from './render-report.js';
import type { ReportInput } from './report-input.js';

/** Render the report and write it to `file` (temp file, then rename), creating its folder. */
export async function writeReport(file: string, input: ReportInput): Promise<void> {
  const html = renderReport(input);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, html);
}
