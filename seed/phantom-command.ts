/**
 * `carina phantom`: writes a synthetic airway CT, its gold standard and its tree, and optionally simulated team
 * predictions for it.
 *
 *   carina phantom --out DIR [--seed N] [--preset default|demo|atm] [--size 192x192x160] [--spacing 1.5]
 *                  [--name NAME] [--noise HU] [--predictions excellent,good,... | all] [--no-ct]
 *
 * Prints one JSON line on stdout (the files and a summary); progress goes to stderr as JSON lines. Bad
 * arguments: a one-line reason on stderr and exit code 2.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { EvaluatorError, logEvent } from '../evaluator/index.ts';
import { generatePhantom, phantomSummary } from './phantom/generate-phantom.ts';
import { GRID_PRESETS, parseSize, parseSpacing, phantomOptions, type GridPresetName, type Triple } from './phantom/phantom-options.ts';
import { writeLabel, writePhantom } from './phantom/write-phantom.ts';
import { simulatePrediction } from './predictions/simulate-prediction.ts';
import { isProfileName, PROFILE_NAMES, TEAM_PROFILES, type TeamProfileName } from './predictions/team-profiles.ts';

const bad = (message: string) => new EvaluatorError('BAD_ARGUMENTS', message);

function triple(value: string | undefined, parse: (text: string) => Triple | string): Triple | undefined {
  if (value === undefined) return undefined;
  const parsed = parse(value);
  if (typeof parsed === 'string') throw bad(parsed);
  return parsed;
}

function profilesOf(value: string | undefined): TeamProfileName[] {
  if (!value) return [];
  if (value === 'all') return [...PROFILE_NAMES];
  const names = value.split(',').map((n) => n.trim()).filter(Boolean);
  const unknown = names.filter((n) => !isProfileName(n));
  if (unknown.length) throw bad(`unknown prediction profile(s) ${unknown.join(', ')}; use ${PROFILE_NAMES.join(', ')} or all`);
  return names as TeamProfileName[];
}

function integerOption(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || n < min || n > max) throw bad(`${name} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

export async function phantomCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: 'string' },
      seed: { type: 'string' },
      preset: { type: 'string' },
      size: { type: 'string' },
      spacing: { type: 'string' },
      name: { type: 'string' },
      noise: { type: 'string' },
      predictions: { type: 'string' },
      'no-ct': { type: 'boolean' },
    },
  });
  if (!values.out) throw bad('usage: carina phantom --out DIR [--seed N] [--preset default|demo|atm] [--size 192x192x160] [--spacing 1.5]');
  const presetName = (values.preset ?? 'default') as GridPresetName;
  const preset = GRID_PRESETS[presetName];
  if (!preset) throw bad(`unknown preset "${values.preset}"; use ${Object.keys(GRID_PRESETS).join(', ')}`);
  const seed = integerOption(values.seed, '--seed', 1, 0, 2 ** 32 - 1);
  const noise = values.noise === undefined ? undefined : Number(values.noise);
  if (noise !== undefined && !(noise >= 0 && noise <= 500)) throw bad(`--noise must be a standard deviation in HU from 0 to 500, got "${values.noise}"`);
  const options = phantomOptions({
    seed,
    size: triple(values.size, parseSize) ?? [...preset.size],
    spacing: triple(values.spacing, parseSpacing) ?? [...preset.spacing],
    ct: noise === undefined ? {} : { noiseSigmaHu: noise },
  });
  const profiles = profilesOf(values.predictions);
  const name = values.name ?? `phantom_${seed}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(name)) throw bad(`--name must be letters, digits, "_", "." or "-" (like a case name), got "${name}"`);

  const started = performance.now();
  logEvent('info', 'generating phantom', { seed, size: options.size, spacing: options.spacing });
  const phantom = generatePhantom(options);
  const files: Record<string, string> = { ...(await writePhantom(phantom, values.out, name, { ct: !values['no-ct'] })) };
  if (values['no-ct']) delete files.ct;
  for (const profile of profiles) {
    const prediction = simulatePrediction(phantom, TEAM_PROFILES[profile].errors, profile);
    const path = join(values.out, `${name}_pred_${profile}.nii.gz`);
    await writeLabel(path, phantom, prediction.mask);
    files[`pred_${profile}`] = path;
  }
  const summary = { ...phantomSummary(phantom), ms: Math.round(performance.now() - started) };
  logEvent('info', 'phantom written', summary);
  process.stdout.write(JSON.stringify({ files, ...summary }) + '\n');
  return 0;
}
