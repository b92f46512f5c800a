/**
 * The model sandbox, attacked from inside: a hostile payload (hostile-model-child.ts) runs in place of the model
 * runner through the same launcher (server/models/sandbox/run-sandboxed.ts) while this process holds a secret in
 * its environment, a storage folder with a "gold standard", a real embedded PostgreSQL and a TCP server on
 * 127.0.0.1. The payload must see none of them, write nowhere but /out and /tmp, and be stopped by the kernel at
 * its memory and CPU limits and by the parent at its wall-clock limit, each with the team's failure code. Its raw
 * system calls meet the seccomp filter: the denied ones fail with EPERM (the same calls, run unconfined, reach the
 * kernel and get its own answer), another ABI's are killed. A host without a usable bubblewrap fails closed with
 * SANDBOX_UNAVAILABLE naming the fix, and bubblewrap starts nothing when it cannot read the filter.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { build } from 'esbuild';
import type { ModelSandboxSettings } from '../../server/config.ts';
import { runSandboxed, type SandboxLimits } from '../../server/models/sandbox/run-sandboxed.ts';
import { SECCOMP_FD } from '../../server/models/sandbox/sandbox-command.ts';
import { PROJECT_ROOT, sandboxPackages } from '../../server/models/sandbox/sandbox-files.ts';
import { emptySandboxCommand, sandboxReady } from '../../server/models/sandbox/sandbox-probe.ts';
import { DENIED_SYSCALLS } from '../../server/models/sandbox/seccomp-syscalls.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import type { HostileReport, HostileRequest, HostileResult, SyscallReport } from './hostile-model-child.ts';

const HOSTILE = new URL('./hostile-model-child.ts', import.meta.url);
const SANDBOX: ModelSandboxSettings = { enabled: true, cpuThreads: 1 };
const SECRET = `carina-secret-${randomBytes(8).toString('hex')}`;
const UNCONFINED: ModelSandboxSettings = { enabled: false, cpuThreads: 1 };

type Syscalls = NonNullable<HostileRequest['syscalls']>;
const syscallNumber = (name: string): number => {
  const call = DENIED_SYSCALLS.find((entry) => entry.name === name)!;
  return (process.arch === 'arm64' ? call.aarch64 : call.x86_64)!;
};
/**
 * Denied calls with arguments the kernel answers itself, never with EPERM, whoever calls (root or not, any
 * sysctl): unfiltered they show the call reached the kernel; filtered they must not get there.
 */
const KERNEL_ANSWERED: Record<string, { readonly call: Syscalls[string]; readonly unfiltered: RegExp }> = {
  'unshare(0)': { call: { nr: syscallNumber('unshare'), args: [0] }, unfiltered: /^ok 0$/ },
  'process_vm_readv(pid 0, no iovec)': { call: { nr: syscallNumber('process_vm_readv'), args: [0, 0, 0, 0, 0, 0] }, unfiltered: /^ok 0$/ },
  'ptrace(bad request, pid 0)': { call: { nr: syscallNumber('ptrace'), args: [0x7fff, 0] }, unfiltered: /^errno ESRCH$/ },
  'keyctl(bad command)': { call: { nr: syscallNumber('keyctl'), args: [0x7fff] }, unfiltered: /^errno (EOPNOTSUPP|ENOTSUP)$/ },
  'perf_event_open(NULL)': { call: { nr: syscallNumber('perf_event_open'), args: [0, 0, -1, -1, 0] }, unfiltered: /^errno EFAULT$/ },
};
/** Denied calls whose unfiltered answer depends on the host (io_uring_disabled, unprivileged_userfaultfd, the user). */
const ALSO_DENIED: Syscalls = {
  'io_uring_setup(1, NULL)': { nr: syscallNumber('io_uring_setup'), args: [1, 0] },
  'userfaultfd(0)': { nr: syscallNumber('userfaultfd'), args: [0] },
  'bpf(bad command)': { nr: syscallNumber('bpf'), args: [0x7fff, 0, 0] },
  'mount(NULL, NULL, NULL)': { nr: syscallNumber('mount'), args: [0, 0, 0, 0, 0] },
  'setns(-1, 0)': { nr: syscallNumber('setns'), args: [-1, 0] },
  'open_by_handle_at(-1, NULL, 0)': { nr: syscallNumber('open_by_handle_at'), args: [-1, 0, 0] },
};
const GETPID: Syscalls = { 'getpid()': { nr: process.arch === 'arm64' ? 172 : 39, args: [] } };

describe('model sandbox: a hostile payload through the real launcher', function () {
  this.timeout(120_000);
  let dir: string;
  let db: TestDatabase;
  let server: Server;
  let serverPort: number;
  let connections = 0;
  let pgPort: number;
  let pgDataDir: string;

  before(async () => {
    process.env.CARINA_SANDBOX_TEST_SECRET = SECRET;
    dir = mkdtempSync(join(tmpdir(), 'carina-sandbox-'));
    mkdirSync(join(dir, 'storage/blobs'), { recursive: true });
    writeFileSync(join(dir, 'storage/blobs/gold.nii.gz'), `hidden gold ${SECRET}`);
    writeFileSync(join(dir, 'ct.nii.gz'), 'the one CT');
    mkdirSync(join(dir, 'out'));
    db = await createTestDatabase('sandbox');
    pgPort = Number(new URL(db.url).port);
    pgDataDir = (await db.pool.query('show data_directory')).rows[0].data_directory;
    server = createServer((socket) => {
      connections++;
      socket.end(SECRET);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    serverPort = (server.address() as { port: number }).port;
  });
  after(async () => {
    delete process.env.CARINA_SANDBOX_TEST_SECRET;
    server?.close();
    await db?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = <Result extends HostileResult = HostileReport | null>(request: HostileRequest, limits: Partial<SandboxLimits> = {}, settings = SANDBOX) =>
    runSandboxed<HostileRequest, Result>(
      HOSTILE,
      settings,
      { inputs: { 'ct.nii.gz': join(dir, 'ct.nii.gz') }, outputDir: join(dir, 'out') },
      (paths) => ({ ...request, inputFile: paths.inputs['ct.nii.gz'], outputDir: paths.outputDir }),
      { timeoutMs: 60_000, memoryMb: 512, ...limits },
    );

  it('sees no secret, no platform file, no other process and no network; writes only to /out', async () => {
    const outcome = await run({
      action: 'probe',
      pids: [process.pid, process.ppid],
      ports: [serverPort, pgPort],
      secretFiles: [join(dir, 'storage/blobs/gold.nii.gz'), join(pgDataDir, 'PG_VERSION'), join(pgDataDir, 'postmaster.pid'), '/etc/passwd', join(PROJECT_ROOT, '.carina/storage')],
      secretFolders: [join(dir, 'storage'), pgDataDir, join(PROJECT_ROOT, '.carina'), '/root', '/home'],
      writeTargets: ['/escape.txt', '/usr/escape.txt', join(PROJECT_ROOT, 'escape.txt'), join(dir, 'escape.txt'), '/tmp/ok.txt'],
    });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const report = outcome.result!;
    assert.doesNotMatch(JSON.stringify(report), new RegExp(SECRET), 'the secret leaked into the sandbox');
    assert.equal(report.uid, 65534);
    assert.equal(report.gid, 65534);
    assert.deepEqual(Object.keys(report.env).sort(), ['CARINA_LOG_LEVEL', 'HOME', 'MALLOC_ARENA_MAX', 'OMP_NUM_THREADS', 'PATH', 'PWD', 'TMPDIR']);
    // its own pid namespace: bubblewrap's reaper, itself and tsx's esbuild service, none of the host's pids
    assert.ok(report.visiblePids.every((pid) => Number(pid) < 100), report.visiblePids.join());
    for (const pid of [process.pid, process.ppid]) assert.match(report.pidEnvironments[pid], /^error /, `read /proc/${pid}/environ`);
    for (const [path, result] of Object.entries(report.files)) assert.match(result, /^error (ENOENT|EACCES)/, path);
    for (const [path, result] of Object.entries(report.folders)) assert.match(result, /^error (ENOENT|EACCES)/, path);
    assert.match(report.sockets[serverPort], /^error (ECONNREFUSED|ENETUNREACH)/);
    assert.match(report.sockets[pgPort], /^error (ECONNREFUSED|ENETUNREACH)/);
    assert.equal(connections, 0, 'the test server was reached');
    assert.equal(report.input, 'the one CT');
    assert.deepEqual(
      Object.entries(report.writes).filter(([, result]) => result === 'written').map(([path]) => path),
      ['/tmp/ok.txt', '/out/ok.txt'],
      JSON.stringify(report.writes),
    );
    assert.equal(readFileSync(join(dir, 'out/ok.txt'), 'utf8'), 'x');
    assert.match(outcome.sandbox, /^bubblewrap: no network, uid 65534/);
    // uid 65534 cannot open new user namespaces (kernel attack surface) on a kernel that allows them to users
    assert.match(report.nestedUserNamespace, /^refused/);
  });

  it('its denied system calls fail with EPERM (seccomp); the same calls, unconfined, reach the kernel', async () => {
    const syscalls: Syscalls = { ...GETPID, ...ALSO_DENIED, ...Object.fromEntries(Object.entries(KERNEL_ANSWERED).map(([label, { call }]) => [label, call])) };
    const inside = await run<SyscallReport>({ action: 'syscalls', syscalls });
    assert.ok(inside.ok, JSON.stringify(inside));
    assert.match(inside.sandbox, /seccomp/);
    assert.equal(inside.result.seccompMode, '2', 'no seccomp filter in the sandbox');
    assert.match(inside.result.results['getpid()'], /^ok \d+$/, 'an allowed call');
    for (const label of [...Object.keys(KERNEL_ANSWERED), ...Object.keys(ALSO_DENIED)]) assert.equal(inside.result.results[label], 'errno EPERM', label);

    const outside = await run<SyscallReport>({ action: 'syscalls', syscalls }, {}, UNCONFINED);
    assert.ok(outside.ok, JSON.stringify(outside));
    for (const [label, { unfiltered }] of Object.entries(KERNEL_ANSWERED)) assert.match(outside.result.results[label], unfiltered, label);
  });

  it('a system call through another ABI (x32 on x86_64) kills the caller with SIGSYS; unconfined it does not', async function () {
    if (process.arch !== 'x64') this.skip();
    // getpid (39) with __X32_SYSCALL_BIT: the kernel's answer unconfined is ENOSYS or a pid (CONFIG_X86_X32_ABI)
    const syscalls: Syscalls = { ...GETPID, 'x32 getpid()': { nr: 0x40000000 | 39, args: [] } };
    const inside = await run<SyscallReport>({ action: 'syscalls', syscalls });
    assert.ok(inside.ok, JSON.stringify(inside));
    assert.equal(inside.result.results['x32 getpid()'], 'killed SIGSYS');
    assert.match(inside.result.results['getpid()'], /^ok \d+$/);
    const outside = await run<SyscallReport>({ action: 'syscalls', syscalls }, {}, UNCONFINED);
    assert.ok(outside.ok, JSON.stringify(outside));
    assert.match(outside.result.results['x32 getpid()'], /^(errno ENOSYS|ok \d+)$/);
  });

  it('bubblewrap starts nothing when it cannot read or install the seccomp filter', async () => {
    const tools = await sandboxReady();
    const { file, args } = emptySandboxCommand(tools, ['/usr/bin/sh', '-c', 'echo started']);
    // a truncated program, an empty one, no descriptor at all
    for (const filter of [Buffer.alloc(7), Buffer.alloc(0), undefined]) {
      const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe', 'ignore', filter ? 'pipe' : 'ignore'], env: { PATH: '/usr/bin:/bin' } });
      const pipe = child.stdio[SECCOMP_FD] as Writable | null;
      pipe?.on('error', () => undefined);
      pipe?.end(filter);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      assert.notEqual(code, 0, `filter of ${filter?.length} bytes`);
      assert.equal(stdout, '', `the command ran with a filter of ${filter?.length} bytes`);
      assert.match(stderr, /^bwrap: .*(seccomp|system call filtering)/im, `filter of ${filter?.length} bytes`);
    }
  });

  it('is stopped at its memory limit (Buffers past RLIMIT_DATA) as the team\'s MODEL_MEMORY_LIMIT', async () => {
    const outcome = await run({ action: 'buffers' }, { memoryMb: 300 });
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok);
    assert.equal(outcome.failure.owner, 'team');
    assert.equal(outcome.failure.code, 'MODEL_MEMORY_LIMIT');
    assert.match(outcome.failure.message, /needed more than 300 MB of memory/);
    assert.ok(outcome.peakMemoryMb < 300 + 256, `peak ${outcome.peakMemoryMb} MB`);
  });

  it('is stopped at its memory limit (V8 heap exhausted, the process aborts) as MODEL_MEMORY_LIMIT', async () => {
    const outcome = await run({ action: 'heap' }, { memoryMb: 300 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.failure.code, 'MODEL_MEMORY_LIMIT');
    assert.equal(outcome.failure.owner, 'team');
  });

  it('is killed with its process group at the wall-clock limit as MODEL_TIME_LIMIT', async () => {
    const outcome = await run({ action: 'spin' }, { timeoutMs: 8000 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.failure.code, 'MODEL_TIME_LIMIT');
    assert.match(outcome.failure.message, /did not finish within 8 s/);
    assert.ok(outcome.ms >= 8000 && outcome.ms < 20_000, `${outcome.ms} ms`);
  });

  it('is killed by the kernel at its CPU-time limit (RLIMIT_CPU) as MODEL_TIME_LIMIT', async () => {
    const outcome = await run({ action: 'spin' }, { timeoutMs: 60_000, cpuSeconds: 2 });
    assert.ok(!outcome.ok);
    assert.equal(outcome.failure.code, 'MODEL_TIME_LIMIT');
    assert.match(outcome.failure.message, /more than 2 s of CPU time/);
    assert.ok(outcome.ms < 40_000, `${outcome.ms} ms`);
  });

  it('fails closed when bubblewrap is missing: SANDBOX_UNAVAILABLE naming the fix, nothing run', async () => {
    const empty = mkdtempSync(join(dir, 'no-tools-'));
    const outcome = await run({ action: 'probe' }, {}, { ...SANDBOX, toolFolders: [empty] });
    assert.ok(!outcome.ok);
    assert.equal(outcome.failure.owner, 'platform');
    assert.equal(outcome.failure.code, 'SANDBOX_UNAVAILABLE');
    assert.match(outcome.failure.message, /apt-get install bubblewrap/);
    assert.match(outcome.failure.message, /MODEL_SANDBOX=off/);
  });

  it('MODEL_SANDBOX=off runs unconfined (the platform user, the host\'s pids) with a filtered environment', async () => {
    const outcome = await run({ action: 'probe', pids: [process.pid] }, {}, { enabled: false, cpuThreads: 1 });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.sandbox, 'off (MODEL_SANDBOX=off)');
    assert.equal(outcome.result!.uid, process.getuid!());
    assert.doesNotMatch(JSON.stringify(outcome.result!.env), new RegExp(SECRET));
  });

  it('start-up cost: an empty payload, sandboxed and unconfined', async () => {
    const times: Record<string, number[]> = { sandboxed: [], unconfined: [] };
    for (let i = 0; i < 2; i++) {
      for (const [label, settings] of [['sandboxed', SANDBOX], ['unconfined', { enabled: false, cpuThreads: 1 }]] as const) {
        const outcome = await run({ action: 'noop' }, {}, settings);
        assert.ok(outcome.ok, JSON.stringify(outcome));
        times[label].push(outcome.ms);
      }
    }
    console.log(`      start-up (ms): ${JSON.stringify(times)}`);
  });
});

describe('model sandbox: what the child may load', () => {
  it('the mounted packages cover every npm package the child scripts import (their sources are bundled)', async () => {
    const mounted = new Set(sandboxPackages().map((p) => p.target.slice(join(PROJECT_ROOT, 'node_modules/').length)));
    for (const script of ['run-model-child.ts', 'validate-model-child.ts']) {
      const result = await build({
        entryPoints: [join(PROJECT_ROOT, 'server/models/sandbox', script)],
        bundle: true,
        platform: 'node',
        format: 'esm',
        write: false,
        metafile: true,
        logLevel: 'silent',
        loader: { '.node': 'empty' },
      });
      for (const input of Object.keys(result.metafile.inputs)) {
        const name = /node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(input)?.[1];
        if (name) assert.ok(mounted.has(name), `${script} loads ${name}, which the sandbox does not mount (server/models/sandbox/sandbox-files.ts)`);
      }
    }
  });
});
