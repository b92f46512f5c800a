/** The seed part's commands for `carina` (bin/carina-main.ts). */
import { phantomCommand } from './phantom-command.ts';

export { PHANTOM_USAGE } from './phantom-command.ts';

export const seedCommands: Record<string, (args: string[]) => Promise<number>> = {
  phantom: phantomCommand,
};
