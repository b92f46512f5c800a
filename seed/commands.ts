/**
 * The seed part's commands for `carina` (bin/carina-main.ts): their usage, and each command's module loaded only
 * when it runs (so `carina --help` stays instant).
 */
import { PROFILE_NAMES } from './predictions/team-profiles.ts';

export const PHANTOM_USAGE = `  phantom   --out DIR [--seed N] [--preset default|demo|atm] [--size 192x192x160] [--spacing 1.5]
            [--name NAME] [--noise HU] [--predictions ${PROFILE_NAMES.join(',')}|all] [--no-ct]
                                                      a synthetic airway CT, gold standard and tree (+ simulated predictions)`;

export const seedCommands: Record<string, (args: string[]) => Promise<number>> = {
  phantom: async (args) => (await import('./phantom-command.ts')).phantomCommand(args),
};
