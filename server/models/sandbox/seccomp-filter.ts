/**
 * The model sandbox's seccomp filter: a classic BPF program, as the bytes bubblewrap's `--seccomp FD` reads (an
 * array of `struct sock_filter`, what libseccomp's seccomp_export_bpf writes), built as a pure function of the
 * architecture.
 *
 * Layout (Linux include/uapi/linux/filter.h, bpf_common.h): each instruction is 8 bytes, little-endian on both
 * architectures: u16 code, u8 jt, u8 jf, u32 k. A jump's jt/jf count instructions after the next one (0 = fall
 * through). The program reads `struct seccomp_data` (include/uapi/linux/seccomp.h): `int nr` at offset 0,
 * `__u32 arch` at offset 4.
 *
 *   0  ld  [4]                      arch
 *   1  jeq #AUDIT_ARCH, +1, +0
 *   2  ret KILL_PROCESS             another ABI (i386 by int 0x80, arm32 compat): its numbers mean other calls
 *   3  ld  [0]                      nr
 *   x86_64 only:
 *   4  jge #0x40000000, +0, +1      the x32 ABI (__X32_SYSCALL_BIT): the same calls under other numbers
 *   5  ret KILL_PROCESS
 *   then, for each denied number d_i (i = 0..n-1, ascending), at p + i:
 *      jeq #d_i, +(n - i), +0       to the EPERM return
 *   p + n      ret ALLOW
 *   p + n + 1  ret ERRNO | EPERM
 *
 * So n + 8 instructions on x86_64 and n + 6 on aarch64 (n = the denied calls of that architecture,
 * seccomp-syscalls.ts). Return values (seccomp.h): SECCOMP_RET_KILL_PROCESS 0x80000000, SECCOMP_RET_ERRNO
 * 0x00050000 | errno (EPERM = 1), SECCOMP_RET_ALLOW 0x7fff0000. AUDIT_ARCH_X86_64 = 0xc000003e,
 * AUDIT_ARCH_AARCH64 = 0xc00000b7 (include/uapi/linux/audit.h: EM_X86_64 62 / EM_AARCH64 183, 64-bit,
 * little-endian).
 */
import { DENIED_SYSCALLS } from './seccomp-syscalls.ts';

/** The architectures with a filter, by Node's `process.arch`. */
export type SeccompArch = 'x64' | 'arm64';

export const BPF_LD_W_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
export const BPF_JEQ_K = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
export const BPF_JGE_K = 0x35; // BPF_JMP | BPF_JGE | BPF_K
export const BPF_RET_K = 0x06; // BPF_RET | BPF_K

export const SECCOMP_DATA_NR = 0;
export const SECCOMP_DATA_ARCH = 4;
export const AUDIT_ARCH = { x64: 0xc000003e, arm64: 0xc00000b7 } as const;
export const X32_SYSCALL_BIT = 0x40000000;
export const SECCOMP_RET_KILL_PROCESS = 0x80000000;
export const SECCOMP_RET_ERRNO_EPERM = 0x00050001;
export const SECCOMP_RET_ALLOW = 0x7fff0000;

export const INSTRUCTION_BYTES = 8;

export interface BpfInstruction {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

/** True for an architecture the filter is written for. */
export function isSeccompArch(arch: string): arch is SeccompArch {
  return arch === 'x64' || arch === 'arm64';
}

/** The denied system-call numbers of one architecture, ascending. */
export function deniedNumbers(arch: SeccompArch): number[] {
  const numbers = DENIED_SYSCALLS.map((call) => (arch === 'x64' ? call.x86_64 : call.aarch64)).filter((nr) => nr !== undefined);
  return [...new Set(numbers)].sort((a, b) => a - b);
}

export function seccompInstructions(arch: SeccompArch): BpfInstruction[] {
  const op = (code: number, k: number, jt = 0, jf = 0): BpfInstruction => ({ code, jt, jf, k });
  const program = [op(BPF_LD_W_ABS, SECCOMP_DATA_ARCH), op(BPF_JEQ_K, AUDIT_ARCH[arch], 1, 0), op(BPF_RET_K, SECCOMP_RET_KILL_PROCESS), op(BPF_LD_W_ABS, SECCOMP_DATA_NR)];
  if (arch === 'x64') program.push(op(BPF_JGE_K, X32_SYSCALL_BIT, 0, 1), op(BPF_RET_K, SECCOMP_RET_KILL_PROCESS));
  const denied = deniedNumbers(arch);
  // a jump offset is one byte
  if (denied.length > 255) throw new Error(`seccomp filter: ${denied.length} denied calls, at most 255 fit one jump`);
  denied.forEach((nr, i) => program.push(op(BPF_JEQ_K, nr, denied.length - i, 0)));
  program.push(op(BPF_RET_K, SECCOMP_RET_ALLOW), op(BPF_RET_K, SECCOMP_RET_ERRNO_EPERM));
  return program;
}

/** The program as `struct sock_filter[]` bytes, for bubblewrap's `--seccomp FD`. */
export function seccompFilter(arch: SeccompArch): Uint8Array {
  const program = seccompInstructions(arch);
  const bytes = new Uint8Array(program.length * INSTRUCTION_BYTES);
  const view = new DataView(bytes.buffer);
  program.forEach(({ code, jt, jf, k }, i) => {
    const at = i * INSTRUCTION_BYTES;
    view.setUint16(at, code, true);
    view.setUint8(at + 2, jt);
    view.setUint8(at + 3, jf);
    view.setUint32(at + 4, k, true);
  });
  return bytes;
}
