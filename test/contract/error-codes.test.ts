/**
 * The error catalogue (contract/error-codes.ts) is complete and has nothing extra: every error code the source can
 * show a person — HTTP errors thrown as AppError or written as error bodies, evaluator, inference, sandbox and ONNX
 * inspection errors, failure codes written to evaluations and model runs — is in it, with the owner the source
 * gives it where the source says, and every code of the catalogue is used somewhere.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAILURE_CODES, HTTP_ERRORS } from '../../contract/error-codes.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_FOLDERS = ['server', 'evaluator', 'seed'];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

interface Use {
  code: string;
  kind: 'http' | 'failure' | 'either';
  owner?: string;
  where: string;
}

const CODE = `'([A-Z][A-Z0-9_]+)'`;
const PATTERNS: Array<{ re: RegExp; kind: Use['kind']; owner?: number; code: number }> = [
  { re: new RegExp(`AppError\\(\\s*${CODE}`, 'g'), kind: 'http', code: 1 },
  { re: new RegExp(`(?:EvaluatorError|InferenceError|TeamModelError|ModelProblem)\\(\\s*${CODE}`, 'g'), kind: 'failure', code: 1 },
  // error bodies written by hand, and failures as objects: { owner: 'team', code: 'MODEL_TIME_LIMIT', … }
  { re: new RegExp(`code: ${CODE}`, 'g'), kind: 'either', code: 1 },
  { re: new RegExp(`owner: '(team|platform)',\\s*code: ${CODE}`, 'g'), kind: 'failure', owner: 1, code: 2 },
  // failures written to the database by any failing call: failEvaluation(…, 'platform', 'NO_PREDICTION', …),
  // failCase(…); and in SQL
  { re: new RegExp(`\\w*[Ff]ail\\w*\\([^;]*?'(team|platform)',\\s*${CODE}`, 'g'), kind: 'failure', owner: 1, code: 2 },
  { re: new RegExp(`error_code = ${CODE}`, 'g'), kind: 'failure', code: 1 },
];

/** Codes declared as union types: `type EvaluatorErrorCode = 'A' | 'B'`, `readonly code: 'A' | 'B'`. */
const UNION_DECLARATIONS = /(?:type \w*(?:Error|Problem)Code =|readonly code:)((?:\s*\|?\s*'[A-Z][A-Z0-9_]+')+)/g;

/** Node's own error codes (ENOSPC, ECONNRESET…) are read or passed through, never shown as ours. */
const isSystemCode = (code: string) => /^E[A-Z]+$/.test(code);

function usesIn(file: string): Use[] {
  const text = readFileSync(file, 'utf8');
  const where = relative(ROOT, file);
  const uses: Use[] = [];
  for (const { re, kind, owner, code } of PATTERNS) {
    for (const m of text.matchAll(re)) uses.push({ code: m[code], kind, owner: owner ? m[owner] : undefined, where });
  }
  for (const m of text.matchAll(UNION_DECLARATIONS)) {
    for (const literal of m[1].matchAll(/'([A-Z][A-Z0-9_]+)'/g)) uses.push({ code: literal[1], kind: 'failure', where });
  }
  return uses.filter((use) => !isSystemCode(use.code));
}

describe('the error catalogue', () => {
  const uses = SOURCE_FOLDERS.flatMap(sourceFiles).flatMap(usesIn);

  it('finds the codes the source uses (the search itself works)', () => {
    const found = new Set(uses.map((u) => u.code));
    for (const code of ['NOT_FOUND', 'VALIDATION_FAILED', 'NO_PREDICTION', 'MODEL_TIME_LIMIT', 'GEOMETRY_MISMATCH', 'PLATFORM_RETRY', 'WRONG_INPUT_RANK']) {
      assert.ok(found.has(code), `${code} is found in the source`);
    }
  });

  it('has every code the source uses, of the right kind', () => {
    const missing = uses
      .filter((u) => (u.kind === 'http' ? !(u.code in HTTP_ERRORS) : u.kind === 'failure' ? !(u.code in FAILURE_CODES) : !(u.code in HTTP_ERRORS) && !(u.code in FAILURE_CODES)))
      .map((u) => `${u.code} (${u.kind}, ${u.where})`);
    assert.deepEqual([...new Set(missing)], [], 'codes used in the source but missing from contract/error-codes.ts');
  });

  it('gives each failure the owner the source gives it', () => {
    const wrong = uses
      .filter((u) => u.owner && u.code in FAILURE_CODES && FAILURE_CODES[u.code as keyof typeof FAILURE_CODES].owner !== u.owner)
      .map((u) => `${u.code}: ${u.owner} in ${u.where}`);
    assert.deepEqual(wrong, []);
  });

  it('has no code the source never uses', () => {
    const used = new Set(uses.map((u) => u.code));
    const unused = [...Object.keys(HTTP_ERRORS), ...Object.keys(FAILURE_CODES)].filter((code) => !used.has(code));
    assert.deepEqual(unused, [], 'codes in contract/error-codes.ts that no source file uses');
  });

  it('keeps the two lists apart: no code is both an HTTP error and a failure', () => {
    assert.deepEqual(Object.keys(HTTP_ERRORS).filter((code) => code in FAILURE_CODES), []);
  });
});
