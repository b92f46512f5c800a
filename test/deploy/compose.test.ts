/**
 * The deployment files, checked without a Docker engine: docker-compose.yml parsed as YAML (services, health
 * checks, restart policies, start order, volumes, configuration only from the environment, a scalable evaluator),
 * the Dockerfile's stages and commands, .env.example covering every variable the platform reads, .dockerignore
 * keeping secrets out of images. `docker compose config` runs too where the compose plugin exists.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

type Service = {
  image?: string;
  build?: { context: string; target?: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
  stop_grace_period?: string;
  container_name?: string;
  init?: boolean;
};

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { services } = compose;
const dockerfile = read('Dockerfile');
const envExample = read('.env.example');
const LONG_RUNNING = ['postgres', 'minio', 'server', 'evaluator'];

/** Every variable server/config.ts reads (the keys of its zod schema). */
function configVariables(): string[] {
  const source = read('server/config.ts');
  const body = source.slice(source.indexOf('const schema = z.object({'), source.indexOf('\n});', source.indexOf('const schema = z.object({')));
  const names = [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
  assert.ok(names.length > 20, `found the schema's variables (${names.length})`);
  return names;
}

/** Whether .env.example sets the variable or explains it in a comment. */
const documented = (name: string) => new RegExp(`\\b${name}\\b`).test(envExample);

/** `${NAME...}` interpolations of a compose value, with their default or required-message. */
function interpolations(text: string): Array<{ name: string; operator?: string; rest?: string }> {
  return [...text.matchAll(/\$\{([A-Z][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}/g)].map((m) => ({ name: m[1], operator: m[2], rest: m[3] }));
}

/** Dockerfile stages in order: name, and the instructions of each. */
function stages(): Array<{ name?: string; lines: string[] }> {
  const result: Array<{ name?: string; lines: string[] }> = [];
  const logical = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter((l) => l && !l.startsWith('#'));
  for (const line of logical) {
    const from = /^FROM\s+\S+(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) result.push({ name: from[1], lines: [] });
    else if (result.length) result[result.length - 1].lines.push(line);
  }
  return result;
}

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, dir, f));
}

describe('deployment files', () => {
  describe('docker-compose.yml', () => {
    it('has postgres, minio with its bucket set-up, the server and the evaluator', () => {
      assert.deepEqual(Object.keys(services).sort(), ['evaluator', 'minio', 'minio-init', 'postgres', 'server']);
      assert.match(services.postgres.image!, /^postgres:\d+[\w.-]*$/, 'the official image, pinned to a major version');
      for (const name of ['minio', 'minio-init']) {
        const [{ rest }] = interpolations(services[name].image!);
        assert.match(rest!, /:RELEASE\.\d{4}-\d{2}-\d{2}T/, `${name} pinned to a release, not latest`);
      }
    });

    it('gives every long-running service a health check and a restart policy; the one-shot set-up runs once', () => {
      for (const name of LONG_RUNNING) {
        const service = services[name];
        assert.ok(service.healthcheck?.test?.length, `${name} has a health check`);
        assert.ok(['unless-stopped', 'always'].includes(service.restart!), `${name} restarts (${service.restart})`);
      }
      assert.equal(services['minio-init'].restart, 'no');
      assert.equal(services.postgres.healthcheck!.test.join(' '), 'CMD-SHELL pg_isready -U carina -d carina');
    });

    it('starts things in order: database and bucket first, workers after the server has migrated the database', () => {
      assert.deepEqual(services['minio-init'].depends_on, { minio: { condition: 'service_healthy' } });
      assert.deepEqual(services.server.depends_on, {
        postgres: { condition: 'service_healthy' },
        'minio-init': { condition: 'service_completed_successfully' },
      });
      assert.deepEqual(services.evaluator.depends_on, {
        postgres: { condition: 'service_healthy' },
        'minio-init': { condition: 'service_completed_successfully' },
        server: { condition: 'service_healthy' },
      });
    });

    it('keeps data in named volumes', () => {
      const mounts = (name: string) => Object.fromEntries(services[name].volumes!.map((v) => v.split(':') as [string, string]).map(([from, to]) => [to, from]));
      assert.equal(mounts('postgres')['/var/lib/postgresql/data'], 'postgres-data');
      assert.equal(mounts('minio')['/data'], 'minio-data');
      assert.equal(mounts('server')['/data'], 'server-scratch');
      assert.equal(mounts('evaluator')['/data'], 'evaluator-cache');
      for (const service of Object.values(services)) {
        for (const volume of service.volumes ?? []) {
          const source = volume.split(':')[0];
          assert.ok(source in compose.volumes, `volume ${source} is declared`);
        }
      }
    });

    it('scales the evaluator: no published port, no fixed container name, same image as the server', () => {
      const evaluator = services.evaluator;
      assert.equal(evaluator.ports, undefined);
      assert.equal(evaluator.container_name, undefined);
      assert.equal(evaluator.image, services.server.image);
      assert.deepEqual(evaluator.build, services.server.build);
      assert.deepEqual(evaluator.command, ['node', '--import', 'tsx', 'server/worker-main.ts']);
      assert.equal(evaluator.init, true, 'an init process forwards SIGTERM so the worker drains');
      for (const name of Object.keys(services)) if (name !== 'server') assert.equal(services[name].ports, undefined, `${name} publishes no port`);
    });

    it('gives a draining worker longer than a job may take, and the server longer than its upload grace', () => {
      const seconds = (duration: string) => {
        const m = /^(\d+)(s|m|h)$/.exec(duration);
        assert.ok(m, duration);
        return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
      };
      const defaultOf = (value: string) => interpolations(value)[0].rest!;
      const workerGrace = seconds(defaultOf(services.evaluator.stop_grace_period!));
      assert.ok(workerGrace > Number(defaultOf(services.evaluator.environment!.EVALUATION_TIMEOUT_S)), 'evaluator stop_grace_period > EVALUATION_TIMEOUT_S');
      const serverGrace = seconds(defaultOf(services.server.stop_grace_period!));
      assert.ok(serverGrace > Number(defaultOf(services.server.environment!.SHUTDOWN_GRACE_S)), 'server stop_grace_period > SHUTDOWN_GRACE_S');
    });

    it('runs the server on all interfaces of its container, on the port it publishes', () => {
      const env = services.server.environment!;
      assert.equal(env.HOST, '0.0.0.0');
      assert.equal(env.PORT, '8080');
      assert.deepEqual(services.server.ports, ['${CARINA_PORT:-8080}:8080']);
      assert.deepEqual(services.server.command, ['node', '--import', 'tsx', 'seed/start-with-demo.ts', '--server-only']);
      assert.match(env.STORAGE_URL, /^s3:\/\//);
      assert.equal(env.S3_ENDPOINT, 'http://minio:9000');
      assert.match(env.DATABASE_URL, /^postgres:\/\/carina:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\/carina$/);
      assert.equal(env.SEED_DEMO, '${SEED_DEMO:-0}', 'no demo challenge in production unless asked for');
    });

    it('takes configuration only from the environment: every secret is required, none is written down', () => {
      for (const [name, service] of Object.entries(services)) {
        for (const [key, value] of Object.entries(service.environment ?? {})) {
          if (!/PASSWORD|SECRET|TOKEN|ORGANISER/.test(key)) continue;
          const refs = interpolations(String(value));
          assert.ok(refs.length > 0, `${name}.${key} comes from the environment, not a literal`);
        }
      }
      const text = read('docker-compose.yml');
      for (const secret of ['POSTGRES_PASSWORD', 'MINIO_ROOT_USER', 'MINIO_ROOT_PASSWORD', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) {
        const uses = interpolations(text).filter((i) => i.name === secret);
        assert.ok(uses.length > 0, `${secret} is used`);
        for (const use of uses) assert.equal(use.operator, ':?', `${secret} is required (\${${secret}:?message})`);
        assert.match(envExample, new RegExp(`^${secret}=$`, 'm'), `.env.example leaves ${secret} empty`);
      }
    });

    it('documents every variable the platform reads and every variable the compose file uses', () => {
      const serverEnv = services.server.environment!;
      const workerEnv = services.evaluator.environment!;
      for (const name of configVariables()) {
        assert.ok(name in serverEnv || documented(name), `server/config.ts reads ${name}: set it for the server or document it in .env.example`);
        assert.ok(name in workerEnv || name in serverEnv || documented(name), `${name} set for the evaluator or documented`);
      }
      for (const { name } of interpolations(read('docker-compose.yml'))) {
        assert.ok(documented(name), `docker-compose.yml uses \${${name}}: document it in .env.example`);
      }
      assert.ok(documented('CARINA_LOG_LEVEL'), 'the log level (read by evaluator/log.ts)');
    });

    it('points health checks and commands at files that exist, and the bucket script parses', () => {
      const entries = [services.server, services.evaluator].flatMap((s) => [s.command!, s.healthcheck!.test]).flat();
      for (const file of entries.filter((part) => part.endsWith('.ts'))) assert.ok(existsSync(join(ROOT, file)), `${file} exists`);
      const script = services['minio-init'].command![0].replace(/\$\$/g, '$');
      const check = spawnSync('sh', ['-n', '-c', script], { encoding: 'utf8' });
      assert.equal(check.status, 0, check.stderr);
      assert.match(script, /mc mb --ignore-existing "carina\/\$S3_BUCKET"/);
      assert.match(script, /"Resource": \["arn:aws:s3:::\$S3_BUCKET\/\*"\]/, 'the platform user may use its bucket only');
    });

    it('passes `docker compose config`', function () {
      const version = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
      if (version.error || version.status !== 0) {
        const reason = version.error ? `no docker client (${(version.error as NodeJS.ErrnoException).code})` : (version.stderr || version.stdout).trim().split('\n')[0];
        process.stdout.write(`      skipped: the docker compose plugin is not installed here: ${reason}\n`);
        this.skip();
      }
      const dir = mkdtempSync(join(tmpdir(), 'carina-compose-'));
      try {
        const env = join(dir, '.env');
        writeFileSync(env, envExample.replace(/^(POSTGRES_PASSWORD|MINIO_ROOT_USER|MINIO_ROOT_PASSWORD|S3_ACCESS_KEY_ID|S3_SECRET_ACCESS_KEY)=$/gm, '$1=placeholder-value'));
        execFileSync('docker', ['compose', '--env-file', env, '-f', join(ROOT, 'docker-compose.yml'), 'config', '--quiet'], { stdio: 'pipe' });
        const missing = spawnSync('docker', ['compose', '-f', join(ROOT, 'docker-compose.yml'), 'config', '--quiet'], { encoding: 'utf8', env: { PATH: process.env.PATH } });
        assert.notEqual(missing.status, 0, 'refuses to run without the secrets');
        assert.match(missing.stderr, /set POSTGRES_PASSWORD in \.env|set MINIO_ROOT_USER in \.env|set S3_ACCESS_KEY_ID in \.env/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('Dockerfile', () => {
    const [build, runtime] = stages();

    it('builds in two named stages, the one compose targets last', () => {
      assert.equal(stages().length, 2);
      assert.equal(build.name, 'build');
      assert.equal(runtime.name, 'runtime');
      assert.equal(services.server.build!.target, 'runtime');
      assert.match(dockerfile, /^ARG NODE_IMAGE=node:20[\w.-]*$/m, 'the Node major the project is tested on');
    });

    it('bundles the client in the build stage and installs production dependencies only in the final one', () => {
      assert.ok(build.lines.includes('RUN npm ci --no-audit --no-fund'));
      assert.ok(build.lines.includes('RUN npm run build:client'));
      const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
      assert.ok(scripts['build:client'], 'package.json has the build:client script');
      assert.ok(runtime.lines.some((l) => /^RUN npm ci --omit=dev\b/.test(l)));
      assert.ok(runtime.lines.includes('COPY --from=build /app/dist/client ./dist/client'));
      const dependencies = JSON.parse(read('package.json')).dependencies as Record<string, string>;
      assert.ok(dependencies.tsx, 'tsx is a runtime dependency (the final stage runs TypeScript with it)');
    });

    it('copies every folder the server reaches at run time into the final stage', () => {
      const copied = new Set(runtime.lines.filter((l) => /^COPY (?!--from)/.test(l)).flatMap((l) => l.split(/\s+/).slice(1, -1)));
      const reached = new Set(['migrations']); // read from disk by server/db/migrate.ts
      for (const dir of ['server', 'evaluator', 'seed']) {
        for (const file of tsFiles(dir)) {
          for (const m of readFileSync(file, 'utf8').matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
            const target = relative(ROOT, resolve(dirname(file), m[1]));
            if (!target.startsWith('..')) reached.add(target.split('/')[0]);
          }
        }
      }
      for (const dir of reached) assert.ok(copied.has(dir), `the final stage copies ${dir}/ (imported at run time)`);
      assert.ok(copied.has('package.json') && copied.has('package-lock.json'));
    });

    it('runs as a non-root user, with a health check, and starts node itself (signals reach it)', () => {
      assert.ok(runtime.lines.includes('USER node'));
      assert.ok(runtime.lines.some((l) => l.startsWith('HEALTHCHECK ') && l.includes('server/observability/health-check.ts", "server"')));
      assert.ok(runtime.lines.includes('CMD ["node", "--import", "tsx", "seed/start-with-demo.ts", "--server-only"]'));
      assert.ok(runtime.lines.includes('ENV NODE_ENV=production ONNXRUNTIME_NODE_INSTALL=skip HOST=0.0.0.0 PORT=8080 DATA_DIR=/data STORAGE_DIR=/data/storage'));
    });

    it('keeps secrets, dependencies and local data out of the build context', () => {
      const ignored = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      for (const entry of ['.env', '.env.*', '!.env.example', 'node_modules', '.git', '.carina', 'dist']) assert.ok(ignored.includes(entry), `.dockerignore lists ${entry}`);
      assert.ok(statSync(join(ROOT, '.env.example')).isFile());
    });
  });
});
