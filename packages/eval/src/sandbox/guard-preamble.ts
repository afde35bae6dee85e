/**
 * The Python code every sandboxed program runs behind (`python3 -I -S -B -X utf8 -c LOADER ...`).
 * It reads its settings from argv, sets the resource limits (soft = hard, so the program cannot
 * raise them back), installs the guard when asked, then runs `program.py` as `__main__`.
 *
 * Inside a PID namespace the first Python process stays as a tiny init (see `_ts_init`).
 *
 * argv: program path, the run's temp dir, CPU seconds, address-space bytes, file-size bytes,
 * process count (0 = leave unset), guard flag ('1' installs the guard).
 *
 * The guard is defence in depth, not a boundary: a determined program can get around anything
 * done at the Python level. The OS-level layers (process group, rlimits, network namespace,
 * unprivileged uid) are what contain a hostile program; see docs/sandbox.md.
 */
const LIMITS = String.raw`
import sys as _ts_sys, resource as _ts_resource

def _ts_limits(cpu, memory, file_size, processes):
    r = _ts_resource
    if cpu > 0:
        # SIGXCPU at the soft limit, SIGKILL one second later.
        r.setrlimit(r.RLIMIT_CPU, (cpu, cpu + 1))
    for kind, value in ((r.RLIMIT_AS, memory), (r.RLIMIT_FSIZE, file_size), (r.RLIMIT_NPROC, processes)):
        if value > 0:
            r.setrlimit(kind, (value, value))
    r.setrlimit(r.RLIMIT_CORE, (0, 0))
`;

const GUARD = String.raw`
def _ts_guard(root):
    import builtins, io, os, sys
    root = os.path.realpath(root)
    realpath, fspath, readlink = os.path.realpath, os.fspath, os.readlink

    def resolve(path, dir_fd=None):
        path = os.fsdecode(fspath(path))
        if dir_fd is not None and not os.path.isabs(path):
            path = os.path.join(readlink('/proc/self/fd/%d' % dir_fd), path)
        return realpath(path)

    def inside(path, dir_fd=None):
        if isinstance(path, int):
            return True  # an already-open descriptor
        where = resolve(path, dir_fd)
        return where == root or where.startswith(root + os.sep) or where == '/dev/null'

    def refuse(what):
        raise PermissionError('sandbox: %s is not allowed' % what)

    def disabled(name):
        def stub(*args, **kwargs):
            refuse(name)
        return stub

    real_open = builtins.open
    def guarded_open(file, mode='r', *args, **kwargs):
        if any(flag in mode for flag in 'wax+') and not inside(file):
            refuse('writing %r outside the sandbox directory' % (file,))
        return real_open(file, mode, *args, **kwargs)
    builtins.open = io.open = guarded_open

    import _io
    _io.open = guarded_open
    class GuardedFileIO(io.FileIO):
        def __init__(self, file, mode='r', *args, **kwargs):
            if any(flag in mode for flag in 'wax+') and not inside(file):
                refuse('writing %r outside the sandbox directory' % (file,))
            super().__init__(file, mode, *args, **kwargs)
    io.FileIO = _io.FileIO = GuardedFileIO

    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
    real_os_open = os.open
    def guarded_os_open(path, flags, mode=0o777, *, dir_fd=None):
        if flags & write_flags and not inside(path, dir_fd):
            refuse('writing %r outside the sandbox directory' % (path,))
        return real_os_open(path, flags, mode, dir_fd=dir_fd)
    os.open = guarded_os_open

    def path_checked(name, positions):
        real = getattr(os, name, None)
        if real is None:
            return
        def checked(*args, **kwargs):
            dir_fd = kwargs.get('dir_fd', kwargs.get('src_dir_fd'))
            paths = [args[index] for index in positions if index < len(args)]
            paths += [kwargs[key] for key in ('path', 'name', 'src', 'dst') if key in kwargs]
            for path in paths:
                if not inside(path, dir_fd):
                    refuse('%s on %r outside the sandbox directory' % (name, path))
            return real(*args, **kwargs)
        setattr(os, name, checked)
    for name in ('remove', 'unlink', 'rmdir', 'mkdir', 'makedirs', 'removedirs', 'chmod', 'chown',
                 'lchown', 'truncate', 'utime', 'mkfifo', 'mknod', 'chroot'):
        path_checked(name, (0,))
    for name in ('rename', 'replace', 'link', 'renames'):
        path_checked(name, (0, 1))
    path_checked('symlink', (1,))

    def patch_shutil(shutil):
        real_rmtree = shutil.rmtree
        def guarded_rmtree(path, *args, **kwargs):
            if not inside(path):
                refuse('rmtree on %r outside the sandbox directory' % (path,))
            return real_rmtree(path, *args, **kwargs)
        shutil.rmtree = guarded_rmtree

    def patch_subprocess(subprocess):
        for name in ('Popen', 'run', 'call', 'check_call', 'check_output', 'getoutput', 'getstatusoutput'):
            setattr(subprocess, name, disabled('subprocess.' + name))

    # shutil and subprocess cost milliseconds to import, so they are patched when first imported.
    def patch_posixsubprocess(module):
        module.fork_exec = disabled('_posixsubprocess.fork_exec')

    patches = {'shutil': patch_shutil, 'subprocess': patch_subprocess, '_posixsubprocess': patch_posixsubprocess}

    class PatchingLoader:
        def __init__(self, loader, patch):
            self.loader, self.patch = loader, patch
        def create_module(self, spec):
            return self.loader.create_module(spec)
        def exec_module(self, module):
            self.loader.exec_module(module)
            self.patch(module)

    class PatchOnImport:
        def find_spec(self, name, path=None, target=None):
            if name not in patches:
                return None
            for finder in sys.meta_path:
                if finder is self or not hasattr(finder, 'find_spec'):
                    continue
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    spec.loader = PatchingLoader(spec.loader, patches[name])
                    return spec
            return None

    for name, patch in patches.items():
        if name in sys.modules:
            patch(sys.modules[name])
    sys.meta_path.insert(0, PatchOnImport())

    for name in ('kill', 'killpg', 'system', 'popen', 'fork', 'forkpty', 'setsid', 'setpgid',
                 'setuid', 'seteuid', 'setreuid', 'setresuid', 'setgid', 'setegid', 'setregid',
                 'setresgid', 'setgroups', 'execv', 'execve', 'execl', 'execle', 'execlp',
                 'execlpe', 'execvp', 'execvpe', 'spawnl', 'spawnle', 'spawnlp', 'spawnlpe',
                 'spawnv', 'spawnve', 'spawnvp', 'spawnvpe', 'posix_spawn', 'posix_spawnp',
                 'pidfd_open'):
        if hasattr(os, name):
            setattr(os, name, disabled('os.' + name))
    _ts_resource.setrlimit = disabled('resource.setrlimit')
    if hasattr(_ts_resource, 'prlimit'):
        _ts_resource.prlimit = disabled('resource.prlimit')
    # No sockets and no foreign-function calls: importing these raises ImportError.
    for name in ('socket', '_socket', 'ssl', '_ssl', 'ctypes', '_ctypes', 'multiprocessing',
                 '_multiprocessing', 'pty'):
        sys.modules[name] = None
    builtins.help = None
`;

const INIT = String.raw`
def _ts_init():
    # As pid 1 of a fresh PID namespace the program would be immune to every signal it has no
    # handler for (SIGXCPU included), so pid 1 forks, waits, and reports a fatal signal on fd 3.
    import os
    if os.getpid() != 1:
        try:
            os.close(3)
        except OSError:
            pass
        return
    child = os.fork()
    if child == 0:
        os.close(3)
        return
    while True:
        try:
            status = os.waitpid(child, 0)[1]
            break
        except InterruptedError:
            continue
    if os.WIFSIGNALED(status):
        try:
            os.write(3, str(os.WTERMSIG(status)).encode())
        except OSError:
            pass
        os._exit(1)
    os._exit(os.waitstatus_to_exitcode(status))
`;

const MAIN = String.raw`
def _ts_main():
    program, root, cpu, memory, file_size, processes, guard = _ts_sys.argv[1:8]
    _ts_init()
    _ts_limits(int(cpu), int(memory), int(file_size), int(processes))
    if guard == '1':
        _ts_guard(root)
    with open(program, encoding='utf-8') as source_file:
        source = source_file.read()
    code = compile(source, program, 'exec')
    _ts_sys.argv = [program]
    main = _ts_sys.modules['__main__'].__dict__
    for name in [key for key in main if key.startswith('_ts_')]:
        del main[name]
    main['__file__'] = program
    exec(code, main)

_ts_main()
`;

/** The preamble's source. */
export const GUARD_PREAMBLE = `${LIMITS}${INIT}${GUARD}${MAIN}`;

/**
 * Run once per sandbox with the preamble on stdin: prints its code object, marshalled, as hex.
 * Compiling the preamble on every run would cost a few milliseconds of CPU each time; the
 * marshalled code only has to be loaded (marshal's format is the interpreter's own, so the same
 * interpreter compiles it). Nothing is written to disk, so no program can tamper with it.
 */
export const COMPILE_PREAMBLE =
  "import marshal, sys; sys.stdout.write(marshal.dumps(compile(sys.stdin.read(), '<sandbox-preamble>', 'exec')).hex())";

/** `python3 -c PREAMBLE_LOADER <hex> <preamble arguments>`: takes the hex off argv and runs it. */
export const PREAMBLE_LOADER =
  'import sys as _ts_loader_sys, marshal as _ts_loader_marshal\n' +
  'exec(_ts_loader_marshal.loads(bytes.fromhex(_ts_loader_sys.argv.pop(1))))';

/** The argv that follows the preamble, in the order `_ts_main` reads it. */
export function preambleArguments(settings: {
  readonly programPath: string;
  readonly directory: string;
  readonly cpuSeconds: number;
  readonly memoryBytes: number;
  readonly fileBytes: number;
  readonly processes: number;
  readonly guard: boolean;
}): string[] {
  return [
    settings.programPath,
    settings.directory,
    String(Math.max(0, Math.ceil(settings.cpuSeconds))),
    String(Math.max(0, Math.floor(settings.memoryBytes))),
    String(Math.max(0, Math.floor(settings.fileBytes))),
    String(Math.max(0, Math.floor(settings.processes))),
    settings.guard ? '1' : '0',
  ];
}
