/**
 * `npm run bench:inference`: the platform's inference path (the sandboxed run-model child: read the CT, sliding
 * window with onnxruntime, write the mask) timed with the shipped baseline model on
 *  - an ATM'22-sized phantom CT (512x512x500 at 0.6 mm, generated on the fly), at the baseline's 2 mm and, to show
 *    what a model working on the full grid costs, at the CT's native spacing;
 *  - a demo-sized phantom (160x160x128 at 1.8 mm);
 *  - the real POPI chest CT in ../shared/real (when present), scored against its rough automatic airway mask.
 * Masks are scored with the evaluator (ATM'22 metrics). Results go to bench-out/inference.json.
 * Options: --skip-native (skip the long full-grid run), --no-score.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareGold, readVolume, scorePrediction, writeVolume } from '../evaluator/index.ts';
import { buildBaselineModel } from '../seed/baseline-model/build-baseline.ts';
import { generatePhantom } from '../seed/phantom/generate-phantom.ts';
import { GRID_PRESETS, phantomOptions } from '../seed/phantom/phantom-options.ts';
import { manifestSchema, type ModelManifest } from '../server/models/manifest.ts';
import type { RunReport, RunRequest } from '../server/models/sandbox/run-model-child.ts';
import { runSandboxed, type SandboxPaths } from '../server/models/sandbox/run-sandboxed.ts';
import { loadConfig } from '../server/config.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const RUN_SCRIPT = new URL('../server/models/sandbox/run-model-child.ts', import.meta.url);
const POPI = fileURLToPath(new URL('../../shared/real/popi_00/', import.meta.url));
const args = new Set(process.argv.slice(2));

interface Case {
  readonly label: string;
  readonly ctPath: string;
  readonly goldPath?: string;
}

async function phantomCase(dir: string, label: string, seed: number, size: [number, number, number], spacing: [number, number, number]): Promise<Case> {
  const started = performance.now();
  const phantom = generatePhantom(phantomOptions({ seed, size, spacing }));
  const ctPath = join(dir, `${label}_ct.nii.gz`);
  const goldPath = join(dir, `${label}_label.nii.gz`);
  await writeVolume(ctPath, { ...phantom.geometry, componentType: 'int16', data: phantom.ct });
  await writeVolume(goldPath, { ...phantom.geometry, componentType: 'uint8', data: phantom.label });
  console.log(`${label}: phantom ${size.join('x')} generated and written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { label, ctPath, goldPath };
}

async function run(dir: string, modelPath: string, manifest: ModelManifest, c: Case, variant: string) {
  const maskPath = join(dir, `${c.label}-${variant}-mask.nii.gz`);
  const ctFile = c.ctPath.endsWith('.nii.gz') ? 'ct.nii.gz' : 'ct.nii';
  const files = { inputs: { 'model.onnx': modelPath, [ctFile]: c.ctPath }, outputDir: dir };
  const requestFor = (paths: SandboxPaths): RunRequest => ({
    modelPath: paths.inputs['model.onnx'],
    manifest,
    ctPath: paths.inputs[ctFile],
    ctFileName: ctFile,
    maskPath: join(paths.outputDir, basename(maskPath)),
    maxVoxels: 2 ** 30,
  });
  let lastShown = 0;
  const outcome = await runSandboxed<RunRequest, RunReport>(RUN_SCRIPT, loadConfig().modelSandbox, files, requestFor, { timeoutMs: 3 * 3600_000, memoryMb: 16_000 }, (done, total) => {
    if (Date.now() - lastShown > 10_000) {
      lastShown = Date.now();
      console.log(`  ${c.label} ${variant}: ${done}/${total} patches`);
    }
  });
  if (!outcome.ok) throw new Error(`${c.label} ${variant}: ${outcome.failure.code}: ${outcome.failure.message}`);
  const row: Record<string, unknown> = {
    case: c.label,
    variant,
    caseMs: outcome.ms,
    inferenceMs: outcome.result.inferenceMs,
    patches: outcome.result.patches,
    modelGrid: outcome.result.modelGrid,
    peakMemoryMb: outcome.peakMemoryMb,
    provider: outcome.result.provider,
  };
  if (c.goldPath && !args.has('--no-score')) {
    const gold = await prepareGold(await readVolume(c.goldPath));
    const score = await scorePrediction(gold, await readVolume(maskPath));
    Object.assign(row, { TD: score.TD, BD: score.BD, DSC: score.DSC, Precision: score.Precision });
  }
  console.log(JSON.stringify(row));
  return row;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'carina-bench-inference-'));
  try {
    const baseline = buildBaselineModel();
    const modelPath = join(dir, baseline.fileName);
    writeFileSync(modelPath, baseline.onnx);
    const manifest = manifestSchema.parse(baseline.manifest);
    const native = manifestSchema.parse({ ...baseline.manifest, input: { ...baseline.manifest.input, spacing: 'native' } });
    const rows: Array<Record<string, unknown>> = [];
    const demo = await phantomCase(dir, 'phantom-demo', 1, [...GRID_PRESETS.demo.size], [...GRID_PRESETS.demo.spacing]);
    rows.push(await run(dir, modelPath, manifest, demo, 'baseline (2 mm)'));
    if (existsSync(join(POPI, 'popi_00_ct.nii.gz'))) {
      const popi: Case = { label: 'popi-00 (real CT, rough reference)', ctPath: join(POPI, 'popi_00_ct.nii.gz'), goldPath: join(POPI, 'popi_00_airway_auto_coarse.nii.gz') };
      rows.push(await run(dir, modelPath, manifest, popi, 'baseline (2 mm)'));
    }
    const atm = await phantomCase(dir, 'phantom-atm', 7, [...GRID_PRESETS.atm.size], [...GRID_PRESETS.atm.spacing]);
    rows.push(await run(dir, modelPath, manifest, atm, 'baseline (2 mm)'));
    if (!args.has('--skip-native')) rows.push(await run(dir, modelPath, native, atm, 'baseline at native spacing (full grid)'));
    mkdirSync(join(ROOT, 'bench-out'), { recursive: true });
    writeFileSync(join(ROOT, 'bench-out', 'inference.json'), `${JSON.stringify({ modelBytes: baseline.onnx.length, rows }, null, 1)}\n`);
    console.log(`model ${baseline.onnx.length} bytes; results in bench-out/inference.json`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
