/** Dispatches `carina <command> ...` to the part that owns the command. */
import { EvaluatorError } from '../evaluator/index.ts';
import { evaluatorCommands } from '../evaluator/cli.ts';

const USAGE = `usage: carina <command> [options]
commands:
  prepare   --gt GOLD --out DIR                       prepare a gold standard once (cached form)
  evaluate  (--gt GOLD | --prepared DIR) --pred P...  score predictions; one JSON line each`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const run = command ? evaluatorCommands[command] : undefined;
  if (!run) {
    process.stderr.write(command && command !== '--help' ? `carina: unknown command "${command}"\n${USAGE}\n` : `${USAGE}\n`);
    return command && command !== '--help' ? 2 : 0;
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
