/**
 * The model sandbox's seccomp program (server/models/sandbox/seccomp-filter.ts), byte by byte where a hand can
 * check it, then run by a small classic-BPF interpreter over `struct seccomp_data` (the subset the program uses:
 * ld [k], jeq, jge, ret), the syscall table against the kernel headers installed on this machine, and where the
 * sandbox's command line hands the program over (the innermost bubblewrap: the outer one, as root, must mount).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import {
  AUDIT_ARCH,
  deniedNumbers,
  isSeccompArch,
  seccompFilter,
  seccompInstructions,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_ERRNO_EPERM,
  SECCOMP_RET_KILL_PROCESS,
  type SeccompArch,
} from '../../server/models/sandbox/seccomp-filter.ts';
import { DENIED_SYSCALLS } from '../../server/models/sandbox/seccomp-syscalls.ts';
import { sandboxCommand, SECCOMP_FD, type SandboxTools } from '../../server/models/sandbox/sandbox-command.ts';

const hex = (bytes: Uint8Array, instruction: number) => Buffer.from(bytes.subarray(instruction * 8, instruction * 8 + 8)).toString('hex');

/** Runs the program's bytes on one system call (seccomp_data: nr at 0, arch at 4). */
function evaluate(bytes: Uint8Array, nr: number, arch: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new DataView(new ArrayBuffer(8));
  data.setInt32(0, nr, true);
  data.setUint32(4, arch, true);
  let accumulator = 0;
  for (let pc = 0; pc * 8 < bytes.length; pc++) {
    const code = view.getUint16(pc * 8, true);
    const jt = view.getUint8(pc * 8 + 2);
    const jf = view.getUint8(pc * 8 + 3);
    const k = view.getUint32(pc * 8 + 4, true);
    if (code === 0x20) accumulator = data.getUint32(k, true);
    else if (code === 0x15) pc += accumulator === k ? jt : jf;
    else if (code === 0x35) pc += accumulator >= k ? jt : jf;
    else if (code === 0x06) return k;
    else throw new Error(`unexpected instruction ${code.toString(16)} at ${pc}`);
  }
  throw new Error('the program ran off its end');
}

describe('model sandbox seccomp filter: the program', () => {
  it('x86_64: arch check, x32 check, one jump per denied call to the EPERM return (hand-checked bytes)', () => {
    const bytes = seccompFilter('x64');
    const denied = deniedNumbers('x64');
    assert.equal(denied.length, 54);
    assert.equal(bytes.length, (54 + 8) * 8);
    assert.equal(hex(bytes, 0), '2000000004000000'); // ld [4] (arch)
    assert.equal(hex(bytes, 1), '150001003e0000c0'); // jeq #0xc000003e, +1, +0
    assert.equal(hex(bytes, 2), '0600000000000080'); // ret KILL_PROCESS
    assert.equal(hex(bytes, 3), '2000000000000000'); // ld [0] (nr)
    assert.equal(hex(bytes, 4), '3500000100000040'); // jge #0x40000000, +0, +1
    assert.equal(hex(bytes, 5), '0600000000000080'); // ret KILL_PROCESS
    assert.equal(hex(bytes, 6), '1500360065000000'); // jeq #101 (ptrace, the lowest), +54 → 6 + 1 + 54 = 61
    assert.equal(hex(bytes, 59), '15000100bb010000'); // jeq #443 (quotactl_fd, the highest), +1 → 61
    assert.equal(hex(bytes, 60), '060000000000ff7f'); // ret ALLOW 0x7fff0000
    assert.equal(hex(bytes, 61), '0600000001000500'); // ret ERRNO | EPERM 0x00050001
  });

  it('aarch64: arch check, no x32 check, 51 denied calls (no iopl, ioperm, uselib)', () => {
    const bytes = seccompFilter('arm64');
    assert.equal(deniedNumbers('arm64').length, 51);
    assert.equal(bytes.length, (51 + 6) * 8);
    assert.equal(hex(bytes, 1), '15000100b70000c0'); // jeq #0xc00000b7, +1, +0
    assert.equal(hex(bytes, 3), '2000000000000000'); // ld [0], then straight to the deny list
    assert.equal(hex(bytes, 4), '1500330012000000'); // jeq #18 (lookup_dcookie, the lowest), +51 → 4 + 1 + 51 = 56
    assert.equal(hex(bytes, 56), '0600000001000500');
  });

  for (const arch of ['x64', 'arm64'] as const satisfies readonly SeccompArch[]) {
    it(`${arch}: every denied call gets EPERM, other calls pass, another ABI is killed`, () => {
      const bytes = seccompFilter(arch);
      const native = AUDIT_ARCH[arch];
      for (const call of DENIED_SYSCALLS) {
        const nr = arch === 'x64' ? call.x86_64 : call.aarch64;
        if (nr !== undefined) assert.equal(evaluate(bytes, nr, native), SECCOMP_RET_ERRNO_EPERM, call.name);
      }
      const denied = new Set(deniedNumbers(arch));
      for (let nr = 0; nr < 470; nr++) if (!denied.has(nr)) assert.equal(evaluate(bytes, nr, native), SECCOMP_RET_ALLOW, `nr ${nr}`);
      // read / clone / clone3 stay allowed (threads)
      for (const nr of arch === 'x64' ? [0, 56, 435] : [63, 220, 435]) assert.equal(evaluate(bytes, nr, native), SECCOMP_RET_ALLOW);
      assert.equal(evaluate(bytes, 0, 0x40000003), SECCOMP_RET_KILL_PROCESS, 'i386 (AUDIT_ARCH_I386) or arm (AUDIT_ARCH_ARM)');
      assert.equal(evaluate(bytes, 0, 0x40000028), SECCOMP_RET_KILL_PROCESS);
      assert.equal(evaluate(bytes, 0x40000000 | 39, native), arch === 'x64' ? SECCOMP_RET_KILL_PROCESS : SECCOMP_RET_ALLOW, 'x32 getpid');
    });
  }

  it('fits one-byte jumps and knows only x64 and arm64', () => {
    for (const arch of ['x64', 'arm64'] as const) assert.ok(seccompInstructions(arch).every((op) => op.jt <= 255 && op.jf <= 255));
    assert.ok(isSeccompArch('x64') && isSeccompArch('arm64'));
    assert.ok(!isSeccompArch('ia32') && !isSeccompArch('riscv64'));
  });
});

describe('model sandbox seccomp filter: the syscall table', () => {
  const headers = {
    x86_64: '/usr/include/x86_64-linux-gnu/asm/unistd_64.h',
    aarch64: '/usr/include/asm-generic/unistd.h',
  } as const;
  for (const [arch, path] of Object.entries(headers) as Array<[keyof typeof headers, string]>) {
    it(`${arch} numbers match ${path}`, function () {
      if (!existsSync(path)) this.skip(); // linux-libc-dev not installed
      const numbers = new Map([...readFileSync(path, 'utf8').matchAll(/^#define __NR_(\w+)\s+(\d+)\s*$/gm)].map((m) => [m[1], Number(m[2])]));
      for (const call of DENIED_SYSCALLS) assert.equal(call[arch], numbers.get(call.name), `${call.name} on ${arch}`);
    });
  }
});

describe('model sandbox seccomp filter: the command line', () => {
  const shapes: Record<string, SandboxTools> = {
    'as a user: one bubblewrap': { bwrap: '/usr/bin/bwrap', prlimit: '/usr/bin/prlimit', systemLinks: [] },
    'as root, no user namespaces': { bwrap: '/usr/bin/bwrap', prlimit: '/usr/bin/prlimit', setpriv: '/usr/bin/setpriv', systemLinks: [] },
    'as root, a second bubblewrap': { bwrap: '/usr/bin/bwrap', prlimit: '/usr/bin/prlimit', setpriv: '/usr/bin/setpriv', blockNestedUserns: true, systemLinks: [] },
  };
  for (const [shape, tools] of Object.entries(shapes)) {
    it(`${shape}: one --seccomp ${SECCOMP_FD}, on the last bubblewrap before prlimit`, () => {
      const { file, args } = sandboxCommand({
        tools,
        readOnly: [],
        packages: [],
        inputs: [],
        workingDir: '/',
        env: {},
        limits: { dataBytes: 1, cpuSeconds: 1, processes: 1, fileBytes: 1 },
        command: ['/usr/bin/true'],
      });
      const line = [file, ...args];
      const at = line.flatMap((arg, i) => (arg === '--seccomp' ? [i] : []));
      assert.equal(at.length, 1);
      assert.equal(line[at[0] + 1], String(SECCOMP_FD));
      const innermost = line.lastIndexOf(tools.bwrap);
      assert.equal(innermost, tools.blockNestedUserns ? line.indexOf(tools.bwrap, 1) : 0);
      assert.ok(at[0] > innermost && at[0] < line.indexOf(tools.prlimit), line.join(' '));
      assert.ok(line.slice(innermost, at[0]).includes('--') === false, 'inside that bubblewrap\'s own options');
    });
  }
});
