import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContained, processAlive } from './_sandbox-test-helpers.fixture.js';
import type { SandboxIsolation } from './isolation.js';
import { createPythonSandbox, type PythonSandbox, type PythonSandboxOptions } from './python-sandbox.js';

// Each hostile program runs twice: behind the Python guard (the default), and with the guard off so
// that only the OS layers (process group, rlimits, namespaces, uid) stand between it and the host.
// With the guard off, what must hold depends on the layers this machine allows (`isolation()`).
const configs: Array<{ name: string; options: PythonSandboxOptions }> = [
  { name: 'default, guard on', options: {} },
  { name: 'guard off', options: { pythonGuard: false } },
];
// The system interpreter usually sits where the unprivileged uid can run it (a pyenv one under
// /root does not), so this configuration shows the uid drop wherever the OS allows it.
if (existsSync('/usr/bin/python3')) {
  configs.push({
    name: 'guard off, /usr/bin/python3',
    options: { pythonGuard: false, python: '/usr/bin/python3' },
  });
}

describe.each(configs)('PythonSandbox ($name)', ({ options }) => {
  let tempRoot: string;
  let outside: string;
  let sandbox: PythonSandbox;
  let isolation: SandboxIsolation;
  const guarded = options.pythonGuard !== false;

  beforeAll(async () => {
    tempRoot = mkdtempSync(join(tmpdir(), 'ts-sandbox-test-'));
    chmodSync(tempRoot, 0o711); // the unprivileged uid must reach its run directory
    outside = mkdtempSync(join(tmpdir(), 'ts-sandbox-outside-'));
    chmodSync(outside, 0o755);
    sandbox = createPythonSandbox({ ...options, tempDir: tempRoot, poolSize: 2 });
    isolation = await sandbox.isolation();
    console.log(`isolation: ${JSON.stringify(isolation)}`);
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(tempRoot, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('runs a program and reports exit status and output', async () => {
    const ok = await sandbox.run('import sys\nprint("out")\nprint("err", file=sys.stderr)');
    expect(ok).toMatchObject({ status: 'ok', exitCode: 0, signal: null, stdout: 'out\n', stderr: 'err\n' });
    const failed = await sandbox.run('assert 1 == 2');
    expect(failed.status).toBe('failed');
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('AssertionError');
    await expectContained(sandbox, tempRoot);
  });

  it('kills an infinite loop at the wall-time limit, and at the CPU limit', async () => {
    const wall = await sandbox.run('while True:\n    pass', { timeoutMs: 1_500, cpuSeconds: 60 });
    expect(wall.status).toBe('timeout');
    expect(wall.durationMs).toBeLessThan(10_000);
    const cpu = await sandbox.run('while True:\n    pass', { timeoutMs: 30_000, cpuSeconds: 1 });
    expect(cpu.status).toBe('timeout');
    expect(['SIGXCPU', 'SIGKILL']).toContain(cpu.signal);
    await expectContained(sandbox, tempRoot);
  });

  it('takes a forked sleeping child down with the program', async () => {
    // Guard off, the child also leaves the process group (setsid) when a PID namespace catches it.
    const leaveGroup = !guarded && isolation.pidNamespace ? 'os.setsid()' : 'pass';
    const program = [
      'import os, sys, time',
      'pid = os.fork()',
      'if pid == 0:',
      `    ${leaveGroup}`,
      '    time.sleep(120)',
      '    os._exit(0)',
      'print(pid, flush=True)',
    ].join('\n');
    const result = await sandbox.run(program, { timeoutMs: 20_000 });
    if (guarded) {
      expect(result.status).toBe('failed');
      expect(result.stderr).toContain('os.fork is not allowed');
    } else {
      expect(result.status).toBe('ok');
      expect(result.durationMs).toBeLessThan(15_000); // not held open by the sleeping child
      if (!isolation.pidNamespace) expect(processAlive(Number(result.stdout.trim()))).toBe(false);
    }
    await expectContained(sandbox, tempRoot);
  });

  it('contains an 8 GB allocation', async () => {
    const result = await sandbox.run('block = bytearray(8 * 1024 ** 3)\nprint(len(block))', {
      memoryBytes: 1024 ** 3,
    });
    expect(['failed', 'killed']).toContain(result.status);
    expect(result.stdout).toBe('');
    if (result.status === 'failed') expect(result.stderr).toContain('MemoryError');
    await expectContained(sandbox, tempRoot);
  });

  it('keeps a program off a loopback server', async () => {
    let connections = 0;
    const server: Server = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const program = `import socket\nsocket.create_connection(('127.0.0.1', ${port}), timeout=3)\nprint('connected')`;
      const result = await sandbox.run(program);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const reachable = !guarded && isolation.network === 'none';
      expect(connections).toBe(reachable ? 1 : 0);
      expect(result.stdout).toBe(reachable ? 'connected\n' : '');
      if (!reachable) expect(result.status).toBe('failed');
    } finally {
      server.close();
    }
    await expectContained(sandbox, tempRoot);
  });

  it('keeps writes inside the run directory', async () => {
    const target = join(outside, 'escaped');
    const program = [
      'import io, os, pathlib',
      `target = ${JSON.stringify(target)}`,
      'ways = {',
      "    'open': lambda: open(target + '.open', 'w').write('x'),",
      "    'pathlib': lambda: pathlib.Path(target + '.pathlib').write_text('x'),",
      "    'FileIO': lambda: io.FileIO(target + '.fileio', 'w').write(b'x'),",
      "    'os.open': lambda: os.close(os.open(target + '.osopen', os.O_WRONLY | os.O_CREAT)),",
      "    'rename': lambda: (open('mine', 'w').write('x'), os.rename('mine', target + '.rename')),",
      '}',
      'for name, way in ways.items():',
      '    try:',
      '        way()',
      "        print('wrote', name)",
      '    except OSError as error:',
      "        print('refused', name, type(error).__name__)",
      "open('inside.txt', 'w').write('in')",
      "print(open('inside.txt').read())",
    ].join('\n');
    const result = await sandbox.run(program);
    expect(result.status).toBe('ok');
    // The OS stops it when the program runs as another uid; only the guard stops it otherwise.
    const blocked = guarded || isolation.uid !== null;
    const files = ['open', 'pathlib', 'fileio', 'osopen', 'rename'].map((suffix) => `${target}.${suffix}`);
    expect(files.filter((file) => existsSync(file))).toEqual(blocked ? [] : files);
    expect(result.stdout.match(/^refused /gm) ?? []).toHaveLength(blocked ? 5 : 0);
    expect(result.stdout.endsWith('in\n')).toBe(true);
    await expectContained(sandbox, tempRoot);
  });

  it('caps the number of processes where the limit counts per run', async () => {
    // Guarded, fork is refused outright; unguarded, RLIMIT_NPROC stops the fork loop. As root
    // without a user namespace the limit does not apply, so that case is not run.
    const limited = isolation.wrapper.includes('-rn') || isolation.uid !== null;
    if (!guarded && !limited) return;
    const program = [
      'import os, time',
      'children = 0',
      'try:',
      '    while children < 10000:',
      '        if os.fork() == 0:',
      '            time.sleep(30)',
      '            os._exit(0)',
      '        children += 1',
      'except OSError as error:',
      "    print('stopped after', children, flush=True)",
    ].join('\n');
    const result = await sandbox.run(program, { timeoutMs: 20_000 });
    // The guard's PermissionError is an OSError too: guarded, the loop stops before the first fork.
    const stopped = /stopped after (\d+)/.exec(result.stdout);
    expect(stopped).not.toBeNull();
    if (guarded) expect(Number(stopped?.[1])).toBe(0);
    else expect(Number(stopped?.[1])).toBeLessThanOrEqual(64 * 2);
    await expectContained(sandbox, tempRoot);
  });

  it('truncates a huge print, kills the writer, and keeps memory bounded', async () => {
    const before = process.memoryUsage().rss;
    const result = await sandbox.run("chunk = 'x' * 65536\nwhile True:\n    print(chunk)", {
      maxOutputBytes: 1024 ** 2,
      timeoutMs: 30_000,
    });
    expect(result.truncated).toBe(true);
    expect(result.status).toBe('killed');
    expect(result.stdout.length + result.stderr.length).toBeLessThanOrEqual(1024 ** 2);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 ** 2);
    await expectContained(sandbox, tempRoot);
  });

  it('survives os.kill(os.getppid(), 9)', async () => {
    // Without a PID namespace or another uid, the parent would be this test process: the guard is
    // then the only layer, so that case is not run with the guard off.
    if (!guarded && !isolation.pidNamespace && isolation.uid === null) return;
    const result = await sandbox.run('import os\nos.kill(os.getppid(), 9)\nprint("after")');
    expect(processAlive(process.pid)).toBe(true);
    if (guarded) {
      expect(result.status).toBe('failed');
      expect(result.stderr).toContain('os.kill is not allowed');
    }
    await expectContained(sandbox, tempRoot);
  });
});
