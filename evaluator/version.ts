// imported, not read from a path beside this file: the compiled CLI (dist/cli/) carries it in its bundle
import pkg from '../package.json' with { type: 'json' };
import { PREPARED_GOLD_VERSION } from './pipeline/prepared-gold.ts';

/** Recorded with every result, so a score can be traced to the code that computed it. */
export const EVALUATOR_VERSION = `${pkg.version}+pg${PREPARED_GOLD_VERSION}`;
