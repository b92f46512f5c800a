/** Dispatches `carina <command> ...` to the part that owns the command. */
import { EvaluatorError } from '../evaluator/index.ts';
import { evaluatorCommands } from '../evaluator/cli.ts';
import { clientCommands, CLIENT_USAGE } from '../server/cli/commands.ts';
import { seedCommands, PHANTOM_USAGE } from '../seed/commands.ts';

const USAGE = `usage: carina <command> [options]
commands:
  prepare   --gt GOLD --out DIR                       prepare a gold standard once (cached form)
  evaluate  (--gt GOLD | --prepared DIR) --pred P...  score predictions; one JSON line each
${PHANTOM_USAGE}
${CLIENT_USAGE}`;

const commands: Record<string, (args: string[]) => Promise<number>> = { ...evaluatorCommands, ...clientCommands, ...seedCommands };

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const run = command ? commands[command] : undefined;
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
