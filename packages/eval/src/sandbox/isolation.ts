import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { COMPILE_PREAMBLE, GUARD_PREAMBLE } from './guard-preamble.js';

/** The unprivileged account programs run as when the sandbox is started by root (nobody/nogroup). */
export const UNPRIVILEGED_ID = 65534;

/** Which OS-level layers are in effect, found once per sandbox by running probe programs. */
export interface SandboxIsolation {
  /** The interpreter that runs the programs (`sys.executable` of the `python` option). */
  readonly python: string;
  /** `namespace`: a private network namespace (loopback only, down); `none`: the host's network. */
  readonly network: 'namespace' | 'none';
  /** A private PID namespace: when the program's first process ends, the kernel kills the rest. */
  readonly pidNamespace: boolean;
  /** The uid/gid programs run as when privileges were dropped; null when they run as this process. */
  readonly uid: number | null;
  readonly gid: number | null;
  /** The command put in front of the interpreter, e.g. `unshare -rn --pid --fork --kill-child`. */
  readonly wrapper: readonly string[];
  /** Whether the Python guard preamble (sockets, kill, subprocess, writes outside the dir) is on. */
  readonly pythonGuard: boolean;
  /** The interpreter flags every program runs with (`-S` unless site-packages were asked for). */
  readonly pythonFlags: readonly string[];
  /** Why a layer is missing, one line each. */
  readonly notes: readonly string[];
}

export interface IsolationRequest {
  readonly python: string;
  readonly namespaces: boolean;
  readonly dropPrivileges: boolean;
  readonly pythonGuard: boolean;
  readonly sitePackages: boolean;
  readonly tempRoot: string;
}

interface Candidate {
  readonly wrapper: readonly string[];
  readonly drop: boolean;
}

const PROBE_TIMEOUT_MS = 30_000;
const USER_NAMESPACE = ['unshare', '-rn', '--pid', '--fork', '--kill-child'];
const ROOT_NAMESPACE = ['unshare', '--net', '--pid', '--fork', '--kill-child'];

/** What a sandbox needs to start programs: the isolation and the preamble compiled for its interpreter. */
export interface ProbedSandbox {
  readonly isolation: SandboxIsolation;
  /** The preamble's marshalled code object, hex (see COMPILE_PREAMBLE). */
  readonly compiledPreamble: string;
}

/** Resolves the interpreter, compiles the preamble for it, and finds the isolation to use. */
export async function probeSandbox(request: IsolationRequest): Promise<ProbedSandbox> {
  const python = await resolveInterpreter(request.python);
  const compiled = await run(python, ['-I', '-S', '-c', COMPILE_PREAMBLE], {}, GUARD_PREAMBLE);
  if (compiled.code !== 0 || !/^[0-9a-f]+$/.test(compiled.stdout)) {
    throw new ConfigError({
      path: 'python',
      message: `${python} could not compile the sandbox preamble: ${lastLine(compiled.stderr) || `exit code ${compiled.code}`}`,
    });
  }
  return { isolation: await probeIsolation(python, request), compiledPreamble: compiled.stdout };
}

/** Finds the strongest isolation this machine allows, trying the candidates strongest first. */
async function probeIsolation(python: string, request: IsolationRequest): Promise<SandboxIsolation> {
  const pythonFlags = ['-I', ...(request.sitePackages ? [] : ['-S']), '-B', '-X', 'utf8'];
  const isRoot = process.getuid?.() === 0;
  const drop = isRoot && request.dropPrivileges;
  const candidates: Candidate[] = [];
  if (request.namespaces) {
    if (drop) candidates.push({ wrapper: USER_NAMESPACE, drop: true });
    if (isRoot) candidates.push({ wrapper: ROOT_NAMESPACE, drop: false });
    else candidates.push({ wrapper: USER_NAMESPACE, drop: false });
  }
  if (drop) candidates.push({ wrapper: [], drop: true });
  candidates.push({ wrapper: [], drop: false });

  const notes: string[] = [];
  if (!request.namespaces) notes.push('namespaces: turned off by the namespaces option');
  if (isRoot && !request.dropPrivileges)
    notes.push('uid: dropping privileges turned off by the dropPrivileges option');
  if (!isRoot) notes.push("uid: not started as root, programs run as this process's user");
  for (const candidate of candidates) {
    const failure = await tryCandidate(python, pythonFlags, candidate, request.tempRoot);
    if (failure === null) {
      const id = candidate.drop ? UNPRIVILEGED_ID : null;
      return {
        python,
        network: candidate.wrapper.length > 0 ? 'namespace' : 'none',
        pidNamespace: candidate.wrapper.length > 0,
        uid: id,
        gid: id,
        wrapper: candidate.wrapper,
        pythonGuard: request.pythonGuard,
        pythonFlags,
        notes,
      };
    }
    notes.push(`${describe(candidate)}: unavailable (${failure})`);
  }
  throw new ConfigError({ path: 'python', message: `${python} does not run here: ${notes.at(-1)}` });
}

function describe(candidate: Candidate): string {
  const prefix = candidate.wrapper.length > 0 ? candidate.wrapper.join(' ') : 'no namespaces';
  return candidate.drop ? `${prefix} as uid ${UNPRIVILEGED_ID}` : prefix;
}

/** `sys.executable` of the configured interpreter, or a one-line error that says how to install it. */
async function resolveInterpreter(python: string): Promise<string> {
  const result = await run(python, ['-I', '-S', '-c', 'import sys; print(sys.executable)'], {});
  if (result.missing) {
    throw new ConfigError({
      path: 'python',
      message: `Python interpreter "${python}" not found: install it (apt-get install python3) or set python to its path`,
    });
  }
  const executable = result.stdout.trim();
  if (result.code !== 0 || executable === '') {
    throw new ConfigError({
      path: 'python',
      message: `"${python}" failed to start: ${lastLine(result.stderr) || `exit code ${result.code}`}`,
    });
  }
  return executable;
}

/** null when the candidate runs a program that writes in its directory; else why not. */
async function tryCandidate(
  python: string,
  pythonFlags: readonly string[],
  candidate: Candidate,
  tempRoot: string,
): Promise<string | null> {
  const directory = await mkdtemp(join(tempRoot, 'treesynth-probe-'));
  try {
    if (candidate.drop) await chown(directory, UNPRIVILEGED_ID, UNPRIVILEGED_ID);
    const [command = python, ...rest] = [...candidate.wrapper, python];
    const program = "open('probe.txt', 'w').write('ok'); print(open('probe.txt').read())";
    const id = candidate.drop ? { uid: UNPRIVILEGED_ID, gid: UNPRIVILEGED_ID } : {};
    const result = await run(command, [...rest, ...pythonFlags, '-c', program], { cwd: directory, ...id });
    if (result.missing) return `${command} not found`;
    if (result.code === 0 && result.stdout.trim() === 'ok') return null;
    return lastLine(result.stderr) || `exit code ${result.code}`;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

interface ProbeResult {
  readonly missing: boolean;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; uid?: number; gid?: number },
  input = '',
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { ...options, timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 ** 2 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ missing: error?.code === 'ENOENT', code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
    child.stdin?.on('error', () => undefined); // the interpreter may be missing or exit early
    child.stdin?.end(input);
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() ?? '';
}
