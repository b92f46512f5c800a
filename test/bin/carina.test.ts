/**
 * The `carina` command starts at once: it runs the compiled dispatcher (no transpiling per call), `--help` loads
 * no command's module, and each command's module (and the packages it needs) loads only when that command runs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Metafile } from 'esbuild';
import { CARINA_BIN, compiledCli } from '../helpers/compiled-cli.ts';

const run = promisify(execFile);

/** Every output module the entry point loads before running anything (static imports, transitively). */
function staticallyLoaded(metafile: Metafile, entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const imported of metafile.outputs[file].imports) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) packages.add(imported.path);
      else visit(imported.path);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('the carina command', () => {
  let metafile: Metafile;
  before(async () => {
    metafile = await compiledCli();
  });

  it('`carina --help` prints the usage of every command from the compiled build', async () => {
    const { stdout, stderr } = await run(process.execPath, [CARINA_BIN, '--help']);
    assert.equal(stdout, '');
    for (const command of ['prepare', 'evaluate', 'phantom', 'submit', 'status', 'leaderboard']) assert.match(stderr, new RegExp(`^  ${command} `, 'm'));
    assert.doesNotMatch(stderr, /no compiled CLI/);
  });

  it('an unknown command gives the usage and exit code 2', async () => {
    await assert.rejects(run(process.execPath, [CARINA_BIN, 'frobnicate']), (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr, /^carina: unknown command "frobnicate"/);
      return true;
    });
  });

  it('the dispatcher loads no command module and no package before a command runs', () => {
    const entry = Object.keys(metafile.outputs).find((file) => file.endsWith('/carina-main.mjs'))!;
    const { files, packages } = staticallyLoaded(metafile, entry);
    assert.deepEqual([...packages].filter((p) => !p.startsWith('node:')), []);
    const inputs = [...files].flatMap((file) => Object.keys(metafile.outputs[file].inputs));
    for (const heavy of ['evaluator/cli.ts', 'evaluator/io/read-volume.ts', 'seed/phantom-command.ts', 'server/cli/commands.ts']) {
      assert.ok(!inputs.includes(heavy), `${heavy} is loaded by --help`);
    }
  });

  it('`carina evaluate` loads neither itk-wasm nor onnxruntime nor zod before reading a NIfTI file', () => {
    const evaluator = Object.keys(metafile.outputs).find((file) => Object.keys(metafile.outputs[file].inputs).includes('evaluator/cli.ts'))!;
    const { packages } = staticallyLoaded(metafile, evaluator);
    for (const heavy of ['itk-wasm', '@itk-wasm/image-io', 'onnxruntime-node', 'zod', 'pg']) assert.ok(!packages.has(heavy), `${heavy} is loaded by evaluate`);
  });
});
