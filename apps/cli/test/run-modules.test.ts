import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';

/**
 * The modules a command line loads, as Node's module hooks see them: a resume of a finished run
 * should pay only for the modules `run` needs before its first model call.
 */
async function loadedModules(args: string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'treesynth-modules-'));
  const list = join(dir, 'loaded.txt');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(${JSON.stringify(list)}, url + '\\n');
  return next(url, context);
}
`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  writeFileSync(list, '');
  const result = await runCli(args, { NODE_OPTIONS: `--import ${pathToFileURL(register).href}` });
  expect(result.code, result.stderr).toBe(0);
  return readFileSync(list, 'utf8').split('\n').filter(Boolean);
}

describe('treesynth run', () => {
  it('loads neither the openai SDK nor the parquet writer until a call or an export needs them', async () => {
    const loaded = await loadedModules(['run', '--help']);
    // The hooks saw the command's modules (Node's built-ins among them), so an absent module is really
    // not loaded.
    expect(loaded).toContain('node:fs');
    expect(loaded.filter((url) => /\/(openai|hyparquet|hyparquet-writer)\//.test(url))).toEqual([]);
  });
});
