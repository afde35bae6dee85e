// `./treesynth ...` and `pnpm treesynth ...`: start the CLI from a bundle of the current sources, built with esbuild on the
// first start after a source changes (about a second) and reused after that, so a start costs bare
// `node` plus the command's own imports rather than tsx transpiling the workspace on every call.
// Bundles live in node_modules/.cache/treesynth-cli/<stamp>/; an interrupted build leaves only a
// temp folder that the next build removes.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const CACHE = join(ROOT, 'node_modules/.cache/treesynth-cli');
const STALE_MS = 60 * 60 * 1000;

async function bundleEntry() {
  const { bundleCli, sourceStamp } = await import('./bundle-cli.mjs');
  const dir = join(CACHE, sourceStamp());
  const entry = join(dir, 'main.mjs');
  if (existsSync(entry)) return entry;
  mkdirSync(CACHE, { recursive: true });
  const temp = `${dir}.tmp-${process.pid}`;
  await bundleCli(temp);
  try {
    renameSync(temp, dir);
  } catch {
    // Another start built the same sources first: use its bundle.
    rmSync(temp, { recursive: true, force: true });
  }
  removeOldBundles(dir);
  return entry;
}

/** Bundles of earlier sources, kept an hour for commands still running from them. */
function removeOldBundles(keep) {
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (path === keep) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another start meanwhile.
    }
  }
}

await import(pathToFileURL(await bundleEntry()).href);
