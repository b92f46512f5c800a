/**
 * Builds the browser client into dist/client/ with esbuild: the app (code-split, so the vtk.js viewer and the
 * itk-wasm header reader load only on the pages that need them), the page shell and stylesheet, and the itk-wasm
 * web worker plus the three image-reading pipelines the pre-upload check uses — served by the platform itself,
 * so nothing is fetched from a CDN at run time. Run with `npm run build:client` (tsx client/build.ts).
 */
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'dist/client');
const MODULES = join(ROOT, 'node_modules');

/** The file formats a submission may use (contract/submission-files/case-file-names.ts) → the pipelines that read them. */
export const HEADER_PIPELINES = ['nifti-read-image', 'nrrd-read-image', 'meta-read-image'];
const WORKER = 'itk-wasm/dist/pipeline/web-workers/bundles/itk-wasm-pipeline.min.worker.js';

function copy(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}

export async function buildClient(): Promise<{ files: Array<{ path: string; bytes: number }> }> {
  rmSync(OUT, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { app: join(ROOT, 'client/main.ts') },
    outdir: OUT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  copy(join(ROOT, 'client/index.html'), join(OUT, 'index.html'));
  copy(join(ROOT, 'client/styles.css'), join(OUT, 'styles.css'));
  copy(join(MODULES, WORKER), join(OUT, 'itk/itk-wasm-pipeline.min.worker.js'));
  for (const pipeline of HEADER_PIPELINES) {
    for (const ext of ['.js', '.wasm.zst']) {
      copy(join(MODULES, '@itk-wasm/image-io/dist/pipelines', pipeline + ext), join(OUT, 'itk/pipelines', pipeline + ext));
    }
  }
  const files = Object.keys(result.metafile.outputs)
    .filter((path) => path.endsWith('.js'))
    .map((path) => ({ path: path.replace(/^.*dist\/client\//, ''), bytes: statSync(join(ROOT, path)).size }));
  return { files };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = performance.now();
  const { files } = await buildClient();
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  for (const f of files.sort((a, b) => b.bytes - a.bytes)) console.log(`  ${f.path.padEnd(40)} ${kb(f.bytes)}`);
  console.log(`client built in ${Math.round(performance.now() - started)} ms → dist/client (${kb(files.reduce((s, f) => s + f.bytes, 0))} of JavaScript)`);
}
