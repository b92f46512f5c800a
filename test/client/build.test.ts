/**
 * The client build (client/build.ts): the page shell, the code-split app, and the itk-wasm worker and header
 * pipelines served by the platform itself; the bundle stays small where it matters (the first page load).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { HEADER_PIPELINES, buildClient } from '../../client/build.ts';

const DIST = fileURLToPath(new URL('../../dist/client/', import.meta.url));

describe('client build', function () {
  this.timeout(60_000);
  let files: Array<{ path: string; bytes: number }>;
  before(async () => {
    ({ files } = await buildClient());
  });

  it('writes the page shell, the app and its stylesheet', () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    assert.match(html, /<script type="module" src="\/app\.js"><\/script>/);
    assert.match(html, /<link rel="stylesheet" href="\/styles\.css">/);
    assert.ok(existsSync(join(DIST, 'styles.css')));
    assert.ok(files.some((f) => f.path === 'app.js'));
  });

  it('ships the itk-wasm worker and a header pipeline per accepted format (NIfTI, NRRD, MetaImage)', () => {
    assert.deepEqual(HEADER_PIPELINES, ['nifti-read-image', 'nrrd-read-image', 'meta-read-image']);
    assert.ok(existsSync(join(DIST, 'itk/itk-wasm-pipeline.min.worker.js')));
    for (const pipeline of HEADER_PIPELINES) {
      for (const ext of ['.js', '.wasm.zst']) assert.ok(existsSync(join(DIST, 'itk/pipelines', pipeline + ext)), pipeline + ext);
    }
  });

  it('keeps the first load light: vtk.js and itk-wasm load only with the pages that use them', () => {
    // the chunks app.js pulls in statically (import … from "./x.js"), transitively; dynamic import() is on demand
    const firstLoad = new Set<string>();
    const visit = (path: string) => {
      if (firstLoad.has(path)) return;
      firstLoad.add(path);
      const source = readFileSync(join(DIST, path), 'utf8');
      for (const m of source.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) visit(join(path, '..', m[1]));
    };
    visit('app.js');
    const firstLoadSource = [...firstLoad].map((path) => readFileSync(join(DIST, path), 'utf8')).join('\n');
    assert.doesNotMatch(firstLoadSource, /vtkOpenGLRenderWindow/, 'vtk.js is not in the first load');
    assert.doesNotMatch(firstLoadSource, /WebAssembly SIMD support is required/, 'itk-wasm is not in the first load');
    const firstBytes = [...firstLoad].reduce((sum, path) => sum + files.find((f) => f.path === path)!.bytes, 0);
    assert.ok(firstBytes < 40 * 1024, `first load: ${firstBytes} bytes of JavaScript`);
    const total = files.reduce((sum, f) => sum + f.bytes, 0);
    assert.ok(total < 1.5 * 1024 * 1024, `all JavaScript: ${total} bytes`);
    // and both do exist, in the chunks loaded on demand
    const all = files.map((f) => readFileSync(join(DIST, f.path), 'utf8')).join('\n');
    assert.match(all, /vtkOpenGLRenderWindow/);
  });
});
