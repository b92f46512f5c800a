#!/usr/bin/env node
// The `carina` command: runs the compiled dispatcher in dist/cli/ (built by `npm ci`, or `npm run build:cli`).
// Without it, runs the TypeScript sources through tsx (about a second slower per call) and says so;
// CARINA_FROM_SOURCE=1 asks for that path (while editing the sources, or to compare).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/carina-main.mjs', import.meta.url);
const fromSource = process.env.CARINA_FROM_SOURCE === '1';
let main;
if (!fromSource && existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  if (!fromSource) process.stderr.write('carina: no compiled CLI in dist/cli/ (run `npm run build:cli`); running the TypeScript sources through tsx\n');
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./carina-main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
