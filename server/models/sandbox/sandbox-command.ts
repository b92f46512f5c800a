/**
 * The command line that starts a child script inside bubblewrap (`bwrap`), as a pure function of what the sandbox
 * must hold. What the child gets:
 *  - namespaces: its own pid (it sees only itself and bubblewrap's reaper, and a /proc of those), network (only a
 *    loopback interface of its own: no route to any host, the platform's database or object store), IPC, UTS and
 *    cgroup namespace; a new terminal session (no TIOCSTI into the parent's terminal); killed when its parent dies;
 *  - user: uid/gid 65534 (nobody) with no capabilities and no_new_privs. As root, bubblewrap runs privileged (it
 *    can mount what root can reach), `setpriv` drops to the real uid 65534 inside, and a second, unprivileged
 *    bubblewrap adds a user namespace with `--disable-userns`; as any other user, bubblewrap maps 65534 inside a
 *    user namespace onto that user, and `--disable-userns` forbids nested user namespaces;
 *  - files: a tmpfs root made read-only, holding /usr (the Node binary and the system libraries), the child's
 *    bundle and the npm packages it imports (child-bundle.ts, sandbox-files.ts), the inputs under /in (read-only),
 *    one writable output folder /out, a small /tmp and /dev/shm; nothing else of the host (no /etc, no /home, no
 *    data folder, storage, configuration or database files);
 *  - environment: emptied, then only the IPC channel's variables and a PATH, HOME and TMPDIR inside the sandbox;
 *  - system calls: the seccomp filter of seccomp-filter.ts (another ABI killed, a list of calls a model runner never
 *    needs answered with EPERM), read by the innermost bubblewrap from SECCOMP_FD (`--seccomp`) and installed just
 *    before it starts the command, so that it binds prlimit, the child and everything they start; the outer,
 *    privileged bubblewrap (as root) must still mount, so the filter goes to the second one when there is one;
 *  - limits (`prlimit`, kernel-enforced per process): RLIMIT_DATA (the phase's memory: every private writable
 *    mapping, so onnxruntime's buffers and V8's heap; RLIMIT_AS cannot be used, Node reserves about 1 GB of
 *    address space at start), RLIMIT_CPU (CPU seconds: SIGXCPU, then SIGKILL), RLIMIT_NPROC (threads and
 *    processes), RLIMIT_FSIZE (largest file written), RLIMIT_CORE 0.
 */
import { dirname, join } from 'node:path';

/** The sandbox's user and group: nobody/nogroup on Debian. */
export const SANDBOX_UID = 65534;
export const SANDBOX_GID = 65534;
/** Where the child finds its inputs and writes its results. */
export const SANDBOX_INPUT_DIR = '/in';
export const SANDBOX_OUTPUT_DIR = '/out';
/** Child file descriptors: stdin, stdout, stderr, then the IPC channel, then the seccomp program (read by bwrap). */
export const IPC_FD = 3;
export const SECCOMP_FD = 4;

const MB = 1024 * 1024;
const TMP_BYTES = 64 * MB;
const SHM_BYTES = 16 * MB;

export interface SandboxTools {
  readonly bwrap: string;
  readonly prlimit: string;
  /** Set when the platform runs as root: bubblewrap runs privileged and setpriv drops to SANDBOX_UID inside. */
  readonly setpriv?: string;
  /**
   * As root, after the drop: a second, unprivileged bubblewrap whose only job is a user namespace with
   * `--disable-userns`, so that uid 65534 cannot create user namespaces either (needs the kernel to allow
   * unprivileged user namespaces; the probe leaves it out, and says so, where it does not).
   */
  readonly blockNestedUserns?: boolean;
  /** How the host's top-level system folders look: merged-/usr symlinks (Debian 12) or real folders. */
  readonly systemLinks: ReadonlyArray<{ readonly path: string; readonly target?: string }>;
}

export interface SandboxRlimits {
  readonly dataBytes: number;
  readonly cpuSeconds: number;
  readonly processes: number;
  readonly fileBytes: number;
}

export interface SandboxCommandOptions {
  readonly tools: SandboxTools;
  /** Host paths mounted read-only at the same place (the Node binary's folder when it is not under /usr). */
  readonly readOnly: readonly string[];
  /** npm packages and the child's bundle: host path → where the sandbox sees it (read-only). */
  readonly packages: ReadonlyArray<{ readonly source: string; readonly target: string }>;
  /** Input files: name under /in → host path. */
  readonly inputs: ReadonlyArray<{ readonly name: string; readonly source: string }>;
  /** The host folder mounted writable at /out. */
  readonly outputDir?: string;
  readonly workingDir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly limits: SandboxRlimits;
  /** The program and its arguments (absolute path). */
  readonly command: readonly string[];
}

/** Every folder above the given paths, parents first (without the root). */
export function ancestorsOf(paths: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const path of paths) {
    for (let folder = dirname(path); folder !== '/' && folder !== '.'; folder = dirname(folder)) folders.add(folder);
  }
  return [...folders].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}

export function sandboxCommand(options: SandboxCommandOptions): { readonly file: string; readonly args: string[] } {
  const { tools } = options;
  const asRoot = tools.setpriv !== undefined;
  const seccomp = ['--seccomp', String(SECCOMP_FD)];
  const nestedBwrap = asRoot && tools.blockNestedUserns === true;
  const args = ['--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup', '--hostname', 'sandbox'];
  // root: no user namespace (root mounts what it must), the uid drop happens in setpriv below; else: a user
  // namespace with 65534 mapped onto the platform's user, and no nested user namespaces
  if (asRoot) args.push('--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID');
  else args.push('--unshare-user', '--disable-userns', '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_GID));
  args.push('--die-with-parent', '--new-session', '--clearenv');
  if (!nestedBwrap) args.push(...seccomp);
  for (const [name, value] of Object.entries(options.env)) args.push('--setenv', name, value);
  args.push('--ro-bind', '/usr', '/usr');
  for (const link of tools.systemLinks) {
    if (link.target) args.push('--symlink', link.target, link.path);
    else args.push('--ro-bind', link.path, link.path);
  }
  args.push('--proc', '/proc', '--dev', '/dev');
  args.push('--perms', '1777', '--size', String(SHM_BYTES), '--tmpfs', '/dev/shm', '--perms', '1777', '--size', String(TMP_BYTES), '--tmpfs', '/tmp');
  // folders bubblewrap creates for mount points are 0700 as root: make each one on the way 0755 (sandbox uid 65534)
  const targets = [...options.readOnly, ...options.packages.map((p) => p.target), ...options.inputs.map((i) => join(SANDBOX_INPUT_DIR, i.name)), SANDBOX_OUTPUT_DIR];
  for (const folder of ancestorsOf(targets)) args.push('--perms', '0755', '--dir', folder);
  for (const path of options.readOnly) args.push('--ro-bind', path, path);
  for (const pkg of options.packages) args.push('--ro-bind', pkg.source, pkg.target);
  for (const input of options.inputs) args.push('--ro-bind', input.source, join(SANDBOX_INPUT_DIR, input.name));
  if (options.outputDir) args.push('--bind', options.outputDir, SANDBOX_OUTPUT_DIR);
  args.push('--remount-ro', '/dev', '--remount-ro', '/', '--chdir', options.workingDir, '--');
  if (asRoot) {
    args.push(tools.setpriv!, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_GID}`, '--clear-groups', '--bounding-set=-all', '--inh-caps=-all', '--no-new-privs', '--');
    if (nestedBwrap) {
      args.push(tools.bwrap, '--unshare-user', '--disable-userns', '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_GID), '--bind', '/', '/', '--die-with-parent', ...seccomp, '--');
    }
  }
  const { limits } = options;
  args.push(
    tools.prlimit,
    `--data=${limits.dataBytes}`,
    `--cpu=${limits.cpuSeconds}:${limits.cpuSeconds + 1}`,
    `--nproc=${limits.processes}`,
    `--fsize=${limits.fileBytes}`,
    '--core=0',
    '--',
    ...options.command,
  );
  return { file: tools.bwrap, args };
}
