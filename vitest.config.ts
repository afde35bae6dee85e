import { readdirSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/** One unit project per workspace package (a new package gets one without editing this file). */
const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

export default defineConfig({
  resolve: { conditions: ['@treesynth/source'] },
  ssr: { resolve: { conditions: ['@treesynth/source'] } },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The CLI's end-to-end files spend most of their time waiting on child processes, so three files
    // at a time keep two cores busy; the slowest files start first (vitest's duration cache).
    maxWorkers: 3,
    reporters: ['default', './scripts/plain-summary-reporter.ts'],
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        // Unit files share their worker's module cache: no re-import of zod, core, ... per file.
        test: { name, include: [`packages/${name}/src/**/*.test.ts`], isolate: false },
      })),
      {
        // The README's TypeScript examples, each run as a child process the way its header says.
        extends: true,
        test: { name: 'examples', include: ['examples/src/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'benchmarks', include: ['benchmarks/**/*.test.ts'], passWithNoTests: true },
      },
      {
        // The CLI end to end: every test starts the real CLI as a child process, from one bundle of
        // its source made once per run (scripts/bundle-cli.mjs), so no start pays for transpiling.
        extends: true,
        test: {
          name: 'cli',
          include: ['apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
          globalSetup: ['./scripts/cli-bundle.global-setup.ts'],
        },
      },
    ],
  },
});
