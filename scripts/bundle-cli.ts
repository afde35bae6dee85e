import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
export const CLI_SOURCE = join(ROOT, 'apps/cli/src/main.ts');
const SOURCE_CONDITION = '@treesynth/source';

/**
 * The workspace's own TypeScript (the CLI and every `@treesynth/*` package, from source) goes into
 * the bundle; every other package stays a separate import, pinned to the absolute path it resolves
 * to from the importing file, so Node loads exactly what it would load unbundled. `import.meta.url`
 * in workspace files keeps naming the source file, so `createRequire(import.meta.url)` and
 * `new URL('./worker.mjs', import.meta.url)` find what sits beside the source.
 */
const workspaceOnly: Plugin = {
  name: 'workspace-only',
  setup(context) {
    context.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@treesynth/') || args.pluginData === 'resolving') return undefined;
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
 * Bundle the CLI into `outdir` as plain ES modules, one chunk per lazily loaded command, so a test
 * can start it with bare `node` instead of paying tsx's transpile-on-load at every start.
 * Returns the entry file's path.
 */
export async function bundleCli(outdir: string): Promise<string> {
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
