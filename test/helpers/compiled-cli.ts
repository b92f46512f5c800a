/**
 * The `carina` command as users run it: bin/carina.mjs on the compiled dist/cli/, which is rebuilt from the
 * current sources once per test process (a test never runs a stale build left by an earlier `npm ci`).
 */
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { buildCli } from '../../bin/build-cli.mjs';

export const CARINA_BIN = fileURLToPath(new URL('../../bin/carina.mjs', import.meta.url));

let built: Promise<Metafile> | undefined;

/** Builds dist/cli/ (once per process) and returns esbuild's description of it. */
export function compiledCli(): Promise<Metafile> {
  built ??= buildCli().then((metafile) => {
    if (!metafile) throw new Error('esbuild is not installed: the tests need the dev dependencies (npm ci)');
    return metafile;
  });
  return built;
}
