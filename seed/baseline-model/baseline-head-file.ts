/**
 * The fitted head's weights as committed JSON (baseline-head.json), written by `fit` (main.ts) from phantoms
 * generated here: the model is rebuilt from it instantly and identically, without re-fitting at every seed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { HeadWeights } from './baseline-model.ts';

export const HEAD_FILE = new URL('./baseline-head.json', import.meta.url);

export interface HeadFile {
  readonly fittedWith: string;
  readonly loss: number;
  readonly accuracy: { airway: number; background: number };
  readonly head: { hidden: number; w1: number[]; b1: number[]; w2: number[]; b2: number; featureMean: number[]; featureScale: number[] };
}

export function writeHeadFile(head: HeadWeights, fittedWith: string, loss: number, accuracy: HeadFile['accuracy'], file: URL = HEAD_FILE): void {
  const round = (values: Float32Array) => [...values].map((v) => Number(v.toPrecision(9)));
  const content: HeadFile = {
    fittedWith,
    loss: Number(loss.toFixed(6)),
    accuracy: { airway: Number(accuracy.airway.toFixed(4)), background: Number(accuracy.background.toFixed(4)) },
    head: { hidden: head.hidden, w1: round(head.w1), b1: round(head.b1), w2: round(head.w2), b2: Number(head.b2.toPrecision(9)), featureMean: round(head.featureMean), featureScale: round(head.featureScale) },
  };
  writeFileSync(file, `${JSON.stringify(content, null, 1)}\n`);
}

export function readHeadFile(file: URL = HEAD_FILE): { head: HeadWeights; file: HeadFile } {
  const content = JSON.parse(readFileSync(file, 'utf8')) as HeadFile;
  const h = content.head;
  return {
    file: content,
    head: {
      hidden: h.hidden,
      w1: Float32Array.from(h.w1),
      b1: Float32Array.from(h.b1),
      w2: Float32Array.from(h.w2),
      b2: h.b2,
      featureMean: Float32Array.from(h.featureMean),
      featureScale: Float32Array.from(h.featureScale),
    },
  };
}
