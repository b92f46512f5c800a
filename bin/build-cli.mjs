#!/usr/bin/env node
/**
 * Compiles the `carina` command into dist/cli/ (git-ignored) with esbuild, so a call runs JavaScript instead of
 * transpiling TypeScript: bin/carina-main.ts and every module it reaches, one ES module per command (code
 * splitting: `carina --help` loads none of them). Packages stay external (resolved from node_modules at run
 * time). Run by `npm ci` (the root package's `prepare` script) and by `npm run build:cli`.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = fileURLToPath(new URL('../dist/cli/', import.meta.url));

/** Builds dist/cli/carina-main.mjs and its chunks; returns esbuild's metafile (undefined without esbuild). */
export async function buildCli() {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    // a production install (npm ci --omit=dev) has no esbuild: bin/carina.mjs then runs the sources through tsx
    process.stderr.write('build-cli: esbuild is not installed; `carina` will run from the TypeScript sources\n');
    return undefined;
  }
  rmSync(OUT, { recursive: true, force: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { 'carina-main': 'bin/carina-main.ts' },
    outdir: OUT,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const metafile = await buildCli();
  const modules = Object.keys(metafile?.outputs ?? {}).filter((file) => file.endsWith('.mjs'));
  if (metafile) process.stderr.write(`build-cli: ${modules.length} modules in dist/cli/\n`);
}
