/**
 * The baseline model's command line:
 *   npx tsx seed/baseline-model/main.ts fit          re-fit the head on phantoms → baseline-head.json
 *   npx tsx seed/baseline-model/main.ts write DIR    write the .onnx and its manifest into DIR
 *   npx tsx seed/baseline-model/main.ts score        score the baseline on held-out phantoms
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeHeadFile } from './baseline-head-file.ts';
import { buildBaselineModel, fitBaselineHead } from './build-baseline.ts';
import { scoreBaseline } from './score-baseline.ts';

async function main(command: string | undefined, arg: string | undefined): Promise<void> {
  if (command === 'fit') {
    const fit = await fitBaselineHead();
    writeHeadFile(fit.head, fit.fittedWith, fit.loss, fit.accuracy);
    console.log(`fitted on ${fit.samples} voxels: loss ${fit.loss.toFixed(4)}, accuracy airway ${fit.accuracy.airway.toFixed(3)}, background ${fit.accuracy.background.toFixed(3)}`);
  } else if (command === 'write' && arg) {
    const model = buildBaselineModel();
    mkdirSync(arg, { recursive: true });
    writeFileSync(join(arg, model.fileName), model.onnx);
    writeFileSync(join(arg, model.fileName.replace(/\.onnx$/, '.manifest.json')), `${JSON.stringify(model.manifest, null, 2)}\n`);
    console.log(`wrote ${join(arg, model.fileName)} (${model.onnx.length} bytes) and its manifest`);
  } else if (command === 'score') {
    for (const s of await scoreBaseline(buildBaselineModel())) {
      console.log(`phantom seed ${s.seed} ${s.size.join('x')} at ${s.spacing} mm: ${s.patches} patches, ${s.inferenceMs} ms; TD ${s.TD} BD ${s.BD} DSC ${s.DSC} Precision ${s.Precision}`);
    }
  } else {
    console.error('usage: main.ts fit | write DIR | score');
    process.exitCode = 2;
  }
}

await main(process.argv[2], process.argv[3]);
