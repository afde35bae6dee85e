import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { bundleCli } from './bundle-cli.mjs';

/** Bundle the CLI once for the whole test run; removed when the run ends. */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'treesynth-cli-bundle-'));
  project.provide('cliBundle', await bundleCli(dir));
  return () => rmSync(dir, { recursive: true, force: true });
}
