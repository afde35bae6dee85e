import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultReportFile } from './write-report.js';

describe('defaultReportFile', () => {
  it('puts the report of one run folder inside it, and any other report in the working folder', () => {
    const run = mkdtempSync(join(tmpdir(), 'report-file-'));
    const file = join(run, 'rows.jsonl');
    writeFileSync(file, '');
    expect(defaultReportFile([run])).toBe(join(run, 'report.html'));
    expect(defaultReportFile([file])).toBe(resolve('treesynth-report.html'));
    expect(defaultReportFile([run, run])).toBe(resolve('treesynth-report.html'));
    expect(defaultReportFile([join(run, 'missing')])).toBe(resolve('treesynth-report.html'));
  });
});
