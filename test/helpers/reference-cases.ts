/** The real ATM'22 reference cases, read in place from ../shared (never copied into the repository). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REFERENCE_DIR = fileURLToPath(new URL('../../../shared/atm22/cases/', import.meta.url));

export interface ExpectedPair {
  readonly case: string;
  readonly gold: string;
  readonly pred: string;
  readonly [key: string]: string | number;
}

export function expectedPairs(): ExpectedPair[] {
  return (JSON.parse(readFileSync(join(REFERENCE_DIR, 'expected.json'), 'utf8')) as { pairs: ExpectedPair[] }).pairs;
}

export function referencePath(relative: string): string {
  return join(REFERENCE_DIR, relative);
}

/** What the official AIIB23 scoring printed for the same ten pairs (paths relative to REFERENCE_DIR). */
export const AIIB_EXPECTED = fileURLToPath(new URL('../../../shared/aiib23/expected.jsonl', import.meta.url));

export interface AiibExpected {
  readonly gold: string;
  readonly pred: string;
  readonly IoU: number;
  readonly DLR: number;
  readonly DBR: number;
  readonly Precision: number;
  readonly Leakage: number;
}

export function aiibExpected(): AiibExpected[] {
  return readFileSync(AIIB_EXPECTED, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as AiibExpected);
}
