import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@treesynth/source'] },
  ssr: { resolve: { conditions: ['@treesynth/source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'benchmarks/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './scripts/plain-summary-reporter.ts'],
  },
});
