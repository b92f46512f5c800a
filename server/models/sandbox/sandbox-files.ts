/**
 * What of the platform's own tree a sandboxed child may see (read-only): the sources its scripts import and the
 * npm packages they load, each package with the packages it depends on (package.json `dependencies` and installed
 * `optionalDependencies`, followed transitively, nested node_modules first as Node resolves them). Nothing else of
 * the checkout: not the data folder (.carina), not the storage, not the configuration, not the other packages
 * (the embedded PostgreSQL's binaries among them). test/security/model-sandbox.test.ts checks these roots cover
 * every import of the child scripts.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, as the running process sees it (the sandbox mirrors these paths). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Project files and folders the child scripts import (relative to the root). */
export const SANDBOX_SOURCES = ['package.json', 'tsconfig.json', 'contract', 'evaluator', 'server/models'];

/** npm packages the child scripts load: tsx runs the TypeScript, the rest is what the scripts import. */
export const SANDBOX_PACKAGES = ['tsx', 'onnxruntime-node', 'itk-wasm', '@itk-wasm/image-io', 'pino', 'zod'];

export interface PackageMount {
  /** Where the package is on the host (symlinks resolved). */
  readonly source: string;
  /** Where the sandbox sees it: <root>/node_modules/<name>, where Node's resolution looks. */
  readonly target: string;
}

function packageDir(name: string, from: string | undefined): string | undefined {
  const candidates = [from && join(from, 'node_modules', name), join(PROJECT_ROOT, 'node_modules', name)];
  return candidates.find((dir): dir is string => Boolean(dir) && existsSync(join(dir!, 'package.json')));
}

let cached: PackageMount[] | undefined;

/** The packages to mount, each once. Nested ones travel inside their parent's folder. */
export function sandboxPackages(): PackageMount[] {
  if (cached) return cached;
  const found = new Map<string, string>();
  const visit = (name: string, from: string | undefined) => {
    const dir = packageDir(name, from);
    if (!dir) return;
    const isTopLevel = dir === join(PROJECT_ROOT, 'node_modules', name);
    if (isTopLevel && found.has(name)) return;
    if (isTopLevel) found.set(name, dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: object; optionalDependencies?: object };
    for (const dep of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})]) visit(dep, dir);
  };
  for (const name of SANDBOX_PACKAGES) visit(name, undefined);
  cached = [...found].map(([name, dir]) => ({ source: realpathSync(dir), target: join(PROJECT_ROOT, 'node_modules', name) }));
  return cached;
}

/** The project paths to mount read-only, at the same place. */
export function sandboxSources(): string[] {
  return SANDBOX_SOURCES.map((path) => join(PROJECT_ROOT, path)).filter((path) => existsSync(path));
}

