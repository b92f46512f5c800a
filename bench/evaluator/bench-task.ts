/**
 * One measured task in a fresh process, so its peak memory is its own:
 *   tsx bench-task.ts prepare GOLD OUTDIR
 *   tsx bench-task.ts score PREPARED_DIR PRED        (ATM'22 alone)
 *   tsx bench-task.ts score-both PREPARED_DIR PRED   (ATM'22 and AIIB23 at once)
 * Prints one JSON line: wall time from opening the input to the result (ms) and the process's peak RSS (MB).
 */
import { prepareGold, readPreparedGold, readVolume, scorePrediction, scoreSuites, writePreparedGold } from '../../evaluator/index.ts';

const [task, a, b] = process.argv.slice(2);
const started = performance.now();
let detail: Record<string, unknown>;
if (task === 'prepare') {
  const prepared = await prepareGold(await readVolume(a));
  await writePreparedGold(b, prepared);
  detail = { branches: prepared.branches.officialCount, stages: prepared.timings };
} else if (task === 'score') {
  const gold = await readPreparedGold(a);
  const score = await scorePrediction(gold, await readVolume(b));
  detail = { TD: score.TD, BD: score.BD, DSC: score.DSC, stages: score.timings };
} else if (task === 'score-both') {
  const gold = await readPreparedGold(a);
  const { atm22, aiib23, timings } = await scoreSuites(gold, await readVolume(b), ['atm22', 'aiib23']);
  detail = { TD: atm22!.TD, BD: atm22!.BD, IoU: aiib23!.IoU, DBR: aiib23!.DBR, stages: timings };
} else {
  throw new Error(`unknown task ${task}`);
}
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ task, ms, peakMB: process.resourceUsage().maxRSS / 1024, ...detail }) + '\n');
