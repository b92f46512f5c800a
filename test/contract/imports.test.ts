/**
 * contract/ is shared with the browser client, so it imports zod and its own files only: no node: modules, nothing
 * of the server, the client or the evaluator.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTRACT = fileURLToPath(new URL('../../contract/', import.meta.url));

describe('contract/ imports', () => {
  it('imports only zod and files inside contract/', () => {
    const files = readdirSync(CONTRACT, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.ts'));
    assert.ok(files.length > 10);
    const outside: string[] = [];
    for (const entry of files) {
      const file = join(entry.parentPath, entry.name);
      for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gm)) {
        const specifier = m[1] ?? m[2];
        const inside = specifier.startsWith('.') && !relative(CONTRACT, resolve(dirname(file), specifier)).startsWith('..');
        if (specifier !== 'zod' && !inside) outside.push(`${relative(CONTRACT, file)}: ${specifier}`);
      }
    }
    assert.deepEqual(outside, []);
  });
});
