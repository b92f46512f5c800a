/**
 * The system calls the model sandbox denies (seccomp-filter.ts answers them with EPERM), and their numbers on the
 * two architectures Carina runs on. A model runner (Node, onnxruntime, itk-wasm) reads its inputs, computes and
 * writes its outputs; none of these calls is on that path. The choice follows Docker's default seccomp profile
 * (moby/profiles `seccomp/default.json`: the calls it allows only with a capability the sandbox never has), narrowed
 * to a deny list: debugging and reading other processes, mounting and namespaces, kernel keyrings, eBPF, perf,
 * userfaultfd and io_uring (large kernel attack surface, a frequent source of privilege escalations), loading
 * kernels and modules, swap, accounting, quotas, file handles, the kernel log, the clock, the terminal, raw I/O
 * ports and moving other processes' pages.
 *
 * Not denied, on purpose: clone and clone3 (Node's and onnxruntime's threads; clone3 passes its flags in memory,
 * which a seccomp filter cannot read, so namespace flags cannot be told apart there; the sandbox already forbids
 * new user namespaces, without which the other namespace flags need a capability uid 65534 lacks), mbind and
 * set_mempolicy (a process's own NUMA placement), personality.
 *
 * Numbers: x86_64 from the kernel's arch/x86/entry/syscalls/syscall_64.tbl (the `common`/`64` rows; as exported to
 * userspace in <asm/unistd_64.h>), aarch64 from include/uapi/asm-generic/unistd.h (arm64 uses the generic table);
 * checked against Debian's linux-libc-dev 6.1 headers. `undefined`: the call does not exist on that architecture.
 * test/server/seccomp-filter.test.ts compares this table with the installed headers where they are present.
 */

export interface DeniedSyscall {
  readonly name: string;
  readonly x86_64: number;
  readonly aarch64: number | undefined;
}

export const DENIED_SYSCALLS: readonly DeniedSyscall[] = [
  // other processes: tracing, reading and writing their memory, stealing their files, comparing their kernel objects
  { name: 'ptrace', x86_64: 101, aarch64: 117 },
  { name: 'process_vm_readv', x86_64: 310, aarch64: 270 },
  { name: 'process_vm_writev', x86_64: 311, aarch64: 271 },
  { name: 'pidfd_getfd', x86_64: 438, aarch64: 438 },
  { name: 'process_madvise', x86_64: 440, aarch64: 440 },
  { name: 'kcmp', x86_64: 312, aarch64: 272 },
  { name: 'migrate_pages', x86_64: 256, aarch64: 238 },
  { name: 'move_pages', x86_64: 279, aarch64: 239 },
  // mounts (the old and the new mount API) and namespaces
  { name: 'mount', x86_64: 165, aarch64: 40 },
  { name: 'umount2', x86_64: 166, aarch64: 39 },
  { name: 'pivot_root', x86_64: 155, aarch64: 41 },
  { name: 'chroot', x86_64: 161, aarch64: 51 },
  { name: 'open_tree', x86_64: 428, aarch64: 428 },
  { name: 'move_mount', x86_64: 429, aarch64: 429 },
  { name: 'fsopen', x86_64: 430, aarch64: 430 },
  { name: 'fsconfig', x86_64: 431, aarch64: 431 },
  { name: 'fsmount', x86_64: 432, aarch64: 432 },
  { name: 'fspick', x86_64: 433, aarch64: 433 },
  { name: 'mount_setattr', x86_64: 442, aarch64: 442 },
  { name: 'unshare', x86_64: 272, aarch64: 97 },
  { name: 'setns', x86_64: 308, aarch64: 268 },
  // kernel keyrings
  { name: 'add_key', x86_64: 248, aarch64: 217 },
  { name: 'request_key', x86_64: 249, aarch64: 218 },
  { name: 'keyctl', x86_64: 250, aarch64: 219 },
  // large kernel attack surface: eBPF, perf, userfaultfd, io_uring, fanotify
  { name: 'bpf', x86_64: 321, aarch64: 280 },
  { name: 'perf_event_open', x86_64: 298, aarch64: 241 },
  { name: 'userfaultfd', x86_64: 323, aarch64: 282 },
  { name: 'io_uring_setup', x86_64: 425, aarch64: 425 },
  { name: 'io_uring_enter', x86_64: 426, aarch64: 426 },
  { name: 'io_uring_register', x86_64: 427, aarch64: 427 },
  { name: 'fanotify_init', x86_64: 300, aarch64: 262 },
  // kernels, modules, the machine
  { name: 'kexec_load', x86_64: 246, aarch64: 104 },
  { name: 'kexec_file_load', x86_64: 320, aarch64: 294 },
  { name: 'init_module', x86_64: 175, aarch64: 105 },
  { name: 'finit_module', x86_64: 313, aarch64: 273 },
  { name: 'delete_module', x86_64: 176, aarch64: 106 },
  { name: 'reboot', x86_64: 169, aarch64: 142 },
  { name: 'swapon', x86_64: 167, aarch64: 224 },
  { name: 'swapoff', x86_64: 168, aarch64: 225 },
  { name: 'acct', x86_64: 163, aarch64: 89 },
  { name: 'quotactl', x86_64: 179, aarch64: 60 },
  { name: 'quotactl_fd', x86_64: 443, aarch64: 443 },
  { name: 'syslog', x86_64: 103, aarch64: 116 },
  { name: 'vhangup', x86_64: 153, aarch64: 58 },
  { name: 'uselib', x86_64: 134, aarch64: undefined },
  { name: 'iopl', x86_64: 172, aarch64: undefined },
  { name: 'ioperm', x86_64: 173, aarch64: undefined },
  // files by handle (bypass the mount tree: the "shocker" container escape), profiling
  { name: 'open_by_handle_at', x86_64: 304, aarch64: 265 },
  { name: 'name_to_handle_at', x86_64: 303, aarch64: 264 },
  { name: 'lookup_dcookie', x86_64: 212, aarch64: 18 },
  // the system clock
  { name: 'settimeofday', x86_64: 164, aarch64: 170 },
  { name: 'clock_settime', x86_64: 227, aarch64: 112 },
  { name: 'clock_adjtime', x86_64: 305, aarch64: 266 },
  { name: 'adjtimex', x86_64: 159, aarch64: 171 },
];
