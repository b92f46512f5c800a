import { readFileSync } from 'node:fs';
import { PREPARED_GOLD_VERSION } from './pipeline/prepared-gold.ts';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** Recorded with every result, so a score can be traced to the code that computed it. */
export const EVALUATOR_VERSION = `${pkg.version}+pg${PREPARED_GOLD_VERSION}`;
