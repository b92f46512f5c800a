// Types of bin/build-cli.mjs (plain JavaScript, so `npm ci` can run it before anything is compiled).
import type { Metafile } from 'esbuild';

export function buildCli(): Promise<Metafile | undefined>;
