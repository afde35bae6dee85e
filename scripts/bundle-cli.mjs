// Bundles the CLI with esbuild: for the CLI tests (one bundle per test run) and for `pnpm treesynth`
// (scripts/treesynth.mjs keeps one bundle per state of the sources). Plain JavaScript, so the
// launcher can load it with bare `node` before anything is transpiled.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
export const CLI_SOURCE = join(ROOT, 'apps/cli/src/main.ts');
const SOURCE_CONDITION = '@treesynth/source';

/**
 * The workspace's own TypeScript (the CLI and every `@treesynth/*` package, from source) and zod go
 * into the bundle; every other package stays a separate import, pinned to the absolute path it resolves
 * to from the importing file, so Node loads exactly what it would load unbundled. `import.meta.url`
 * in workspace files keeps naming the source file, so `createRequire(import.meta.url)` and
 * `new URL('./worker.mjs', import.meta.url)` find what sits beside the source.
 * @type {import('esbuild').Plugin}
 */
const workspaceOnly = {
  name: 'workspace-only',
  setup(context) {
    context.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@treesynth/') || args.pluginData === 'resolving') return undefined;
      // zod goes in too: loaded from node_modules it is about 100 files (all its locales), a good part
      // of every start; bundled, only what the workspace uses.
      if (args.path === 'zod' || args.path.startsWith('zod/')) return undefined;
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      const resolved = await context.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      // A Node built-in written without `node:` resolves to itself.
      if (resolved.external || !resolved.path.startsWith('/')) return { path: args.path, external: true };
      return { path: resolved.path, external: true };
    });
    context.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/**
 * Bundle the CLI into `outdir` as plain ES modules, one chunk per lazily loaded command, so it starts
 * with bare `node` instead of paying tsx's transpile-on-load at every start. Returns the entry file.
 * @param {string} outdir
 * @returns {Promise<string>}
 */
export async function bundleCli(outdir) {
  // Loaded here, not at the top: the launcher's fast path only needs `sourceStamp`.
  const { build } = await import('esbuild');
  await build({
    entryPoints: { main: CLI_SOURCE },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: [SOURCE_CONDITION],
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
    plugins: [workspaceOnly],
  });
  return join(outdir, 'main.mjs');
}

/**
 * A hash of what a bundle is made from: path, size and modification time of every file under
 * `apps/*\/src` and `packages/*\/src`, the package manifests, the lockfile and this script. Reading
 * only metadata keeps the check to a few milliseconds.
 * @param {string} [root] the repository (a test passes a folder of its own)
 * @returns {string}
 */
export function sourceStamp(root = ROOT) {
  const hash = createHash('sha256');
  const add = (path) => {
    const { size, mtimeMs } = statSync(path);
    hash.update(`${path}\0${size}\0${mtimeMs}\n`);
  };
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) add(path);
    }
  };
  for (const group of ['apps', 'packages']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(root, group, entry.name);
      add(join(dir, 'package.json'));
      walk(join(dir, 'src'));
    }
  }
  add(join(root, 'pnpm-lock.yaml'));
  add(import.meta.filename);
  return hash.digest('hex').slice(0, 16);
}
