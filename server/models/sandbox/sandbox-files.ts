/**
 * What of the platform's own tree a sandboxed child may see (read-only), besides its bundle (child-bundle.ts, which
 * holds the platform's sources): the npm packages it loads, each with the packages it depends on (package.json
 * `dependencies` and installed `optionalDependencies`, followed transitively, nested node_modules first as Node
 * resolves them). Nothing else of the checkout: not the data folder (.carina), not the storage, not the
 * configuration, not the other packages (the embedded PostgreSQL's binaries among them).
 * test/security/model-sandbox.test.ts checks these roots cover every package the child scripts import.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, as the running process sees it (the sandbox mirrors these paths). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** npm packages the child scripts import. */
export const SANDBOX_PACKAGES = ['onnxruntime-node', 'itk-wasm', '@itk-wasm/image-io', 'pino', 'zod'];

/** Where the sandbox sees a child's bundle: in the root, so that Node finds the packages in <root>/node_modules. */
export const bundleTarget = (bundle: string) => join(PROJECT_ROOT, '.sandbox', bundle.slice(bundle.lastIndexOf('/') + 1));

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

