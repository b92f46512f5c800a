/**
 * A child script as the sandbox runs it: bundled once per process by esbuild (the platform's own sources — the
 * script, evaluator/, contract/, server/models/ — in one ES module), npm packages left as imports and mounted
 * read-only beside it (sandbox-files.ts). Plain Node starts it in about 0.5 s where tsx compiling the sources
 * afresh in every sandbox took about 2 s, and neither tsx nor esbuild is inside the sandbox. Bundles live in a
 * folder of the OS temp dir that only this process's user writes (0755, files 0644 so uid 65534 reads them),
 * removed at exit.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let folder: string | undefined;
const bundles = new Map<string, Promise<string>>();

function bundleFolder(): string {
  if (!folder) {
    const created = mkdtempSync(join(tmpdir(), 'carina-sandbox-'));
    chmodSync(created, 0o755);
    process.once('exit', () => rmSync(created, { recursive: true, force: true }));
    folder = created;
  }
  return folder;
}

async function bundle(script: string): Promise<string> {
  // esbuild comes with tsx, a runtime dependency; loaded only when a model is run
  const { build } = await import('esbuild');
  const outfile = join(bundleFolder(), `${bundles.size}-${basename(script).replace(/\.ts$/, '')}.mjs`);
  await build({ entryPoints: [script], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'silent' });
  chmodSync(outfile, 0o644);
  return outfile;
}

/** The host path of the script's bundle (built on first use). */
export function childBundle(script: URL): Promise<string> {
  const path = fileURLToPath(script);
  let built = bundles.get(path);
  if (!built) {
    built = bundle(path).catch((error: unknown) => {
      bundles.delete(path);
      throw error;
    });
    bundles.set(path, built);
  }
  return built;
}
