/**
 * The job lifecycle's two rules: the state-transition table of evaluations and model runs (server/jobs/
 * transitions.ts) allows exactly the changes it lists, and one module — server/jobs/status-writer.ts — writes their
 * status (every other .ts file of the repository, tests aside, is scanned for SQL that would), and jobs enter the
 * queue through server/jobs/enqueue.ts only.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  allows,
  checkTransition,
  EVALUATION_STATES,
  EVALUATION_TRANSITIONS,
  IllegalTransitionError,
  isAllowed,
  MODEL_RUN_TRANSITIONS,
  NEW,
} from '../../server/jobs/transitions.ts';
import { inTransaction } from '../../server/db/pool.ts';
import { createModelRuns, failEvaluation, finishEvaluation, retryEvaluation, startEvaluation } from '../../server/jobs/status-writer.ts';
import { createCase, createPhase, createSubmission, createTeam } from '../helpers/platform-rows.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GOLD = fileURLToPath(new URL('../../../shared/atm22/cases/ATM_305/gold.nii.gz', import.meta.url));
const STATUS_WRITER = 'server/jobs/status-writer.ts';
const ENQUEUE = 'server/jobs/enqueue.ts';
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'test', 'volumes']);

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.isSymbolicLink()) files.push(path);
  }
  return files;
}

/** SQL in `text` that sets the status of an evaluation or a model run, or inserts one (which gives it its first). */
export function statusWrites(text: string): string[] {
  const found: string[] = [];
  const updates = /\bupdate\s+(evaluations|model_runs)\b(?:\s+(?:as\s+)?(?!set\b)\w+)?\s+set\b([\s\S]*?)(?=\bwhere\b|\bfrom\b|\breturning\b|[`'"]|$)/gi;
  for (const m of text.matchAll(updates)) if (/\bstatus\s*=/i.test(m[2])) found.push(`update ${m[1]} set … status`);
  for (const m of text.matchAll(/\binsert\s+into\s+(evaluations|model_runs)\b/gi)) found.push(`insert into ${m[1]}`);
  return found;
}

describe('job lifecycle', () => {
  describe('one status writer', () => {
    const files = sourceFiles(ROOT).map((path) => relative(ROOT, path).split('\\').join('/'));

    it('scans the whole repository (server, seed, evaluator, bench, bin)', () => {
      assert.ok(files.includes(STATUS_WRITER));
      assert.ok(files.some((f) => f.startsWith('server/submissions/')));
      assert.ok(files.some((f) => f.startsWith('seed/')));
      assert.ok(!files.some((f) => f.startsWith('test/') || f.includes('node_modules/')));
    });

    it('finds the status writes it looks for', () => {
      assert.deepEqual(statusWrites("await db.query(`update evaluations set status = 'done', metrics = $2 where id = $1`)"), ['update evaluations set … status']);
      assert.deepEqual(statusWrites('update model_runs r\n   set error_code = null, status = $2 from x'), ['update model_runs set … status']);
      assert.deepEqual(statusWrites("update evaluations set heartbeat_at = now() where status = 'running'"), []);
      assert.deepEqual(statusWrites('insert into evaluations (submission_id, case_id) values ($1, $2)'), ['insert into evaluations']);
      assert.deepEqual(statusWrites("update submissions set status = 'running'"), []);
    });

    it('has no file but the status writer write the status of evaluations or model runs', () => {
      const offenders = files
        .filter((f) => f !== STATUS_WRITER)
        .flatMap((f) => statusWrites(readFileSync(join(ROOT, f), 'utf8')).map((what) => `${f}: ${what}`));
      assert.deepEqual(offenders, [], 'write through server/jobs/status-writer.ts');
      assert.ok(statusWrites(readFileSync(join(ROOT, STATUS_WRITER), 'utf8')).length >= 10, 'the writer holds the writes');
    });

    it('has jobs enqueued through server/jobs/enqueue.ts only', () => {
      const send = /\.send\(\s*(['"`](prepare-gold|evaluate-case|run-model|build-viewer)|QUEUE_NAMES\.)/;
      const offenders = files.filter((f) => f !== ENQUEUE && send.test(readFileSync(join(ROOT, f), 'utf8')));
      assert.deepEqual(offenders, []);
    });
  });

  describe('transition table', () => {
    const allowed: Array<[kind: 'evaluation' | 'model_run', from: string, to: string]> = [
      ['evaluation', NEW, 'queued'],
      ['evaluation', 'queued', 'running'],
      ['evaluation', 'running', 'running'], // a dead worker's job, retried
      ['evaluation', 'running', 'done'],
      ['evaluation', 'running', 'failed'],
      ['evaluation', 'queued', 'failed'],
      ['evaluation', 'running', 'queued'], // retry, or a model's mask waiting for scoring
      ['evaluation', 'done', 'failed'], // only by publishing a re-evaluation
      ['evaluation', 'failed', 'done'],
      ['model_run', NEW, 'queued'],
      ['model_run', 'queued', 'running'],
      ['model_run', 'running', 'done'],
      ['model_run', 'running', 'queued'],
      ['model_run', 'queued', 'failed'],
    ];
    const refused: Array<[kind: 'evaluation' | 'model_run', from: string, to: string]> = [
      ['evaluation', NEW, 'running'],
      ['evaluation', 'queued', 'done'],
      ['evaluation', 'done', 'queued'],
      ['evaluation', 'done', 'running'],
      ['evaluation', 'failed', 'queued'],
      ['evaluation', 'failed', 'running'],
      ['model_run', NEW, 'done'],
      ['model_run', 'queued', 'done'],
      ['model_run', 'done', 'queued'],
      ['model_run', 'done', 'failed'],
      ['model_run', 'failed', 'done'],
      ['model_run', 'failed', 'running'],
    ];

    for (const [kind, from, to] of allowed) it(`allows ${kind} ${from} → ${to}`, () => assert.ok(isAllowed(kind, from, to)));
    for (const [kind, from, to] of refused) it(`refuses ${kind} ${from} → ${to}`, () => assert.ok(!isAllowed(kind, from, to)));

    it('ties each change to its named transition', () => {
      assert.ok(allows('evaluation', 'finish', 'running', 'done'));
      assert.ok(!allows('evaluation', 'finish', 'queued', 'done'), 'a case is scored only once it runs');
      assert.ok(!allows('evaluation', 'fail', 'done', 'failed'), 'a worker never fails a scored case');
      assert.ok(allows('evaluation', 'publish', 'done', 'failed'), 'publishing a re-evaluation may');
      assert.ok(!allows('evaluation', 'retry', 'done', 'queued'));
      assert.ok(!allows('model_run', 'start', 'done', 'running'));
    });

    it('refuses an illegal transition with a clear error', () => {
      assert.throws(
        () => checkTransition('evaluation', 'retry', 'done', 'queued', 42),
        (error: unknown) =>
          error instanceof IllegalTransitionError &&
          error.code === 'ILLEGAL_TRANSITION' &&
          /evaluation 42: illegal status transition done → queued \(retry\); retry is allowed only from queued, running to queued/.test(error.message),
      );
      assert.throws(() => checkTransition('model_run', 'explode', 'queued', 'done'), /there is no transition named explode/);
    });

    it('names only real states', () => {
      for (const table of [EVALUATION_TRANSITIONS, MODEL_RUN_TRANSITIONS]) {
        for (const [event, t] of Object.entries(table)) {
          for (const s of [...t.from, ...t.to]) assert.ok(s === NEW || (EVALUATION_STATES as readonly string[]).includes(s), `${event}: ${s}`);
          assert.ok(!(t.to as readonly string[]).includes(NEW), event);
        }
      }
    });
  });

  describe('the status writer against the database', function () {
    this.timeout(60_000);
    const METRICS = { TD: 90, BD: 80, DSC: 85, Precision: 88, Sensitivity: 82, Specificity: 99 };
    let t: TestApp;
    let submission: { id: number; submission_id: number; run_id: null };
    const evaluationStatus = async () => (await t.db.query('select status from evaluations where id = $1', [submission.id])).rows[0].status as string;

    before(async () => {
      t = await createTestApp('lifecycle'); // no worker: the rows move only by the writer's hand
      const { phaseId, challengeId } = await createPhase(t.deps);
      const { caseId } = await createCase(t.deps, phaseId, 'L_01', GOLD);
      const team = await createTeam(t.deps, challengeId, 'Lifecycle');
      const { submissionId, evaluationIds } = await createSubmission(t.deps, phaseId, team, [{ caseId, path: GOLD }]);
      submission = { id: evaluationIds[0], submission_id: submissionId, run_id: null };
    });
    after(async function () {
      await t?.close(this.currentTest?.state === 'failed');
    });

    it('refuses to finish a case that is not running, and leaves it as it was', async () => {
      await assert.rejects(
        inTransaction(t.db, (client) => finishEvaluation(client, submission, 1, {}, {})),
        (error: unknown) => error instanceof IllegalTransitionError && /illegal status transition queued → done \(finish\)/.test(error.message),
      );
      assert.equal(await evaluationStatus(), 'queued');
    });

    it('moves a case queued → running → done, then refuses to fail or retry it', async () => {
      await startEvaluation(t.db, submission.id, 'test');
      const goldId = (await t.db.query('select id from gold_standards order by id desc limit 1')).rows[0].id as number;
      await inTransaction(t.db, (client) => finishEvaluation(client, submission, goldId, { ...METRICS, unrounded: METRICS }, {}));
      assert.equal(await evaluationStatus(), 'done');
      await assert.rejects(inTransaction(t.db, (client) => failEvaluation(client, submission, 'platform', 'PLATFORM_ERROR', 'late')), /done → failed \(fail\)/);
      await assert.rejects(retryEvaluation(t.db, submission.id, 'late'), IllegalTransitionError);
      assert.equal(await evaluationStatus(), 'done');
      assert.equal((await t.db.query('select status from submissions where id = $1', [submission.submission_id])).rows[0].status, 'done');
    });

    it('names a row that does not exist', async () => {
      await assert.rejects(startEvaluation(t.db, 987654, 'test'), /evaluation 987654: cannot start, the row does not exist/);
      await assert.rejects(inTransaction(t.db, (client) => createModelRuns(client, [987654])), /foreign key/);
    });
  });
});
