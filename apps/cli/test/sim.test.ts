import { describe, expect, it } from 'vitest';
import { collect, expectOneLineError, runCli, spawnCli } from './cli-harness.js';

describe('treesynth sim', () => {
  it('refuses bad options in one line naming the flag, whatever checks them (the CLI or the simulator’s schema)', async () => {
    const cases: [string[], RegExp][] = [
      [['--fault-429', 'often'], /^treesynth: --fault-429: expected a number, got "often"$/],
      [['--fault-429', '1.5'], /^treesynth: --fault-429: expected a rate in \[0, 1\], got 1\.5$/],
      [['--fault-schema=-0.1'], /^treesynth: --fault-schema: expected a rate in \[0, 1\]/],
      [
        ['--fault-500', '0.6', '--fault-503', '0.6'],
        /^treesynth: --fault-\*: the fault rates add up to 1\.2/,
      ],
      [['--retry-after=-1'], /^treesynth: --retry-after: expected a number of seconds >= 0, got -1$/],
      [['--hang-ms', '100000000'], /^treesynth: --hang-ms: expected a whole number from 0 to 86400000/],
      [['--port', '70000'], /^treesynth: --port: expected a whole number from 0 to 65535/],
      [
        ['--host', '0.0.0.0'],
        /^treesynth: --host: the simulator only listens on loopback, not on 0\.0\.0\.0$/,
      ],
    ];
    for (const [args, pattern] of cases) expectOneLineError(await runCli(['sim', ...args]), pattern);
  }, 120_000);

  it('serves on loopback with the faults asked for, and says what it served when stopped', async () => {
    const child = spawnCli(['sim', '--port', '0', '--seed', '2', '--fault-500', '1']);
    const ended = collect(child);
    const url = await new Promise<string>((resolve) => {
      let stdout = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const found = /at (http:\/\/127\.0\.0\.1:\d+\/v1) with faults rate500=1\n/.exec(stdout);
        if (found) resolve(found[1]!);
      });
    });
    const response = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'sim', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(response.status).toBe(500);
    child.kill('SIGINT');
    const result = await ended;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/served 1 requests: 0 answered, 0 invalid, faults serverError 1/);
  }, 60_000);
});
