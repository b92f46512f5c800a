/**
 * `npm run seed [-- --reset] [-- --wait]`: creates (or completes) the demo challenge in the platform's database —
 * the embedded one under DATA_DIR, or DATABASE_URL. With --reset the demo challenge is deleted and built again.
 * The submissions are scored by the platform's workers (`npm start`); with --wait an in-process worker scores
 * them now and the command returns when the leaderboards are complete.
 */
import { parseArgs } from 'node:util';
import { logEvent } from '../evaluator/index.ts';
import { ConfigError, loadConfig } from '../server/config.ts';
import { startWorker } from '../server/jobs/worker.ts';
import { startRuntime, type Runtime } from '../server/runtime.ts';
import { demoEvaluationState } from './demo/demo-progress.ts';
import { seedDemo } from './demo-seed.ts';

const WAIT_LIMIT_MS = 15 * 60_000;

async function waitForScores(runtime: Runtime, challengeId: number): Promise<void> {
  await startWorker(runtime);
  const started = Date.now();
  let last = '';
  for (;;) {
    const state = await demoEvaluationState(runtime.db, challengeId);
    const line = JSON.stringify(state);
    if (line !== last) logEvent('info', 'demo seed: scoring', { ...state });
    last = line;
    if (state.goldPending === 0 && state.evaluationsPending === 0) return;
    if (Date.now() - started > WAIT_LIMIT_MS) throw new Error('the demo submissions were not all scored within 15 minutes');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { reset: { type: 'boolean' }, wait: { type: 'boolean' } } });
  const config = loadConfig();
  let runtime: Runtime;
  try {
    runtime = await startRuntime(config);
  } catch (error) {
    const hint = config.databaseUrl
      ? 'check DATABASE_URL'
      : `is the platform running on ${config.dataDir}? Stop it first (the embedded database serves one process), or point DATABASE_URL at its database`;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error ?? 'the embedded PostgreSQL did not start');
    process.stderr.write(`carina seed: cannot open the database (${reason}); ${hint}\n`);
    return 1;
  }
  try {
    const result = await seedDemo(runtime, { reset: values.reset, when: 'always' });
    if (values.wait && result.challengeId) await waitForScores(runtime, result.challengeId);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

main()
  .then((code) => process.exit(code))
  .catch((error) => {
    process.stderr.write(`carina seed: ${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
    process.exit(1);
  });
