/**
 * `npm start` / `npm run server`: the platform (server/main.ts) with the demo seed as its start hook. On a fresh
 * platform the demo challenge is seeded once the server listens (seed/demo-seed.ts, `when: 'startup'`); SEED_DEMO=0
 * skips it. A seed that fails is logged and the platform runs on without the demo.
 */
import { logEvent } from '../evaluator/index.ts';
import { main } from '../server/platform-api.ts';
import { seedDemo } from './demo-seed.ts';

main({
  onStart: async (deps) => {
    if (!deps.config.seedDemo) return;
    await seedDemo(deps, { when: 'startup' }).catch((error) => logEvent('warn', 'demo seed failed; continuing without it', { reason: (error as Error).message }));
  },
});
