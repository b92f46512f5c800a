/**
 * Dispatches `carina <command> ...` to the part that owns the command. Each command's module is imported only
 * when that command runs, so `carina --help` (and a mistyped command) loads nothing but the usage text.
 */
import { EvaluatorError } from '../evaluator/errors.ts';
import { CLIENT_USAGE } from '../server/cli/usage.ts';
import { seedCommands, PHANTOM_USAGE } from '../seed/commands.ts';
import { RANK_USAGE } from '../ranking/usage.ts';

const USAGE = `usage: carina <command> [options]
commands:
  prepare   --gt GOLD --out DIR                       prepare a gold standard once (cached form)
  evaluate  (--gt GOLD | --prepared DIR) --pred P...  score predictions; one JSON line each
            [--suite atm22|aiib23|atm22,aiib23]       metric suite(s), atm22 by default
${RANK_USAGE}
${PHANTOM_USAGE}
${CLIENT_USAGE}`;

type Command = (args: string[]) => Promise<number>;

const evaluatorCommand = (name: string): Command => async (args) => (await import('../evaluator/cli.ts')).evaluatorCommands[name](args);
const clientCommand = (name: string): Command => async (args) => (await import('../server/cli/commands.ts')).clientCommands[name](args);

const commands: Record<string, Command> = {
  prepare: evaluatorCommand('prepare'),
  evaluate: evaluatorCommand('evaluate'),
  rank: async (args) => (await import('../ranking/cli.ts')).rankCommand(args),
  ...seedCommands,
  submit: clientCommand('submit'),
  status: clientCommand('status'),
  leaderboard: clientCommand('leaderboard'),
  download: clientCommand('download'),
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const run = command && Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (!run) {
    const asked = !command || command === '--help' || command === 'help';
    process.stderr.write(asked ? `${USAGE}\n` : `carina: unknown command "${command}"\n${USAGE}\n`);
    return asked ? 0 : 2;
  }
  try {
    return await run(args);
  } catch (error) {
    if (error instanceof EvaluatorError) {
      process.stderr.write(`carina: ${error.code}: ${error.message}\n`);
      return 2;
    }
    if (error instanceof TypeError && /ERR_PARSE_ARGS/.test((error as { code?: string }).code ?? '')) {
      process.stderr.write(`carina: BAD_ARGUMENTS: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
