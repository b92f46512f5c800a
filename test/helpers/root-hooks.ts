/** Mocha root hooks: shared resources started lazily by helpers are released once, after every test. */

// keep test output readable: only warnings and errors from the platform
process.env.CARINA_LOG_LEVEL ??= "warn";
import { stopTestPostgres } from './database.ts';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopTestPostgres();
  },
};
