import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Start `treesynth sim` in a child process and wait for its URL. */
export async function startSimulatorProcess(options: {
  seed: number;
  latencyMs: number;
}): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@treesynth/source',
      '--import',
      'tsx',
      join(ROOT, 'apps/cli/src/main.ts'),
      'sim',
      '--port',
      '0',
      '--seed',
      String(options.seed),
      '--latency-ms',
      String(options.latencyMs),
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolvePromise, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    lines.on('line', (line) => {
      const match = /(http:\/\/\S+)/.exec(line);
      if (match) resolvePromise(match[1]!);
    });
  });
  return {
    url,
    close: () =>
      new Promise((resolvePromise) => {
        child.once('exit', () => resolvePromise());
        child.kill('SIGTERM');
      }),
  };
}
