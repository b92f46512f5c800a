/**
 * The import graph of the source tree, folded into folders: every relative import that exists at run time —
 * `import … from`, `export … from`, `import('…')` — with each file mapped to its folder node: the top-level
 * folder and its second-level folder (`server/challenges`, `evaluator/kernels`); a file directly in a top-level
 * folder is its own node (`server/app.ts`), since those files are the wiring above the folders. Type-only imports
 * (`import type`, or only `type` specifiers) are left out, as import-x/no-cycle leaves them out: they vanish when
 * the code runs. Read by test/structure/folder-graph.test.ts; `npx tsx test/structure/import-graph.ts` prints the
 * folder edges and any cycle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_FOLDERS = ['bench', 'bin', 'client', 'contract', 'evaluator', 'ranking', 'seed', 'server', 'test'];
const SKIPPED = new Set(['node_modules', 'dist', 'test-output', '.carina']);

/** The relative specifiers a module loads at run time. */
function runtimeSpecifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const specifiers: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const typeOnly = node.isTypeOnly || (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument)) specifiers.push(argument.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers.filter((s) => s.startsWith('./') || s.startsWith('../'));
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out; // a folder another branch creates may not exist yet
  }
  for (const entry of entries) {
    if (SKIPPED.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** `server/challenges/x.ts` → `server/challenges`; `server/app.ts` → `server/app.ts`. */
export function folderOf(file: string): string {
  const parts = relative(ROOT, file).split(sep);
  return parts.length <= 2 ? parts.join('/') : `${parts[0]}/${parts[1]}`;
}

export interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

/** Every relative import between source files, as repository-relative paths. */
export function fileImports(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const top of SOURCE_FOLDERS) {
    for (const file of sourceFiles(join(ROOT, top))) {
      for (const specifier of runtimeSpecifiers(file)) {
        const target = resolve(dirname(file), specifier);
        edges.push({ from: relative(ROOT, file).split(sep).join('/'), to: relative(ROOT, target).split(sep).join('/') });
      }
    }
  }
  return edges;
}

/** Folder → folders it imports (self-imports left out), each edge with one file import that makes it. */
export function folderGraph(edges = fileImports()): Map<string, Map<string, ImportEdge>> {
  const graph = new Map<string, Map<string, ImportEdge>>();
  for (const edge of edges) {
    const from = folderOf(join(ROOT, edge.from));
    const to = folderOf(join(ROOT, edge.to));
    if (!graph.has(from)) graph.set(from, new Map());
    if (from !== to && !graph.get(from)!.has(to)) graph.get(from)!.set(to, edge);
  }
  return graph;
}

/** The strongly connected components with more than one folder (Tarjan), each as a list of folders. */
export function folderCycles(graph: Map<string, Map<string, ImportEdge>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, indices.get(next)!));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) visit(node);
  return cycles;
}

/** One closed path through a component, each step with the file import that makes it, for the failure message. */
export function describeCycle(component: string[], graph: Map<string, Map<string, ImportEdge>>): string {
  const members = new Set(component);
  const start = component[0];
  // breadth-first from start back to start, staying inside the component
  const previous = new Map<string, string>();
  const queue = [start];
  let end: string | undefined;
  while (queue.length > 0 && !end) {
    const node = queue.shift()!;
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        end = node;
        break;
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  const path = [start];
  for (let node = end; node && node !== start; node = previous.get(node)) path.splice(1, 0, node);
  path.push(start);
  const steps = path.slice(0, -1).map((from, i) => {
    const edge = graph.get(from)!.get(path[i + 1])!;
    return `  ${from} → ${path[i + 1]}  (${edge.from} imports ${edge.to})`;
  });
  return `cycle among ${component.join(', ')}:\n${steps.join('\n')}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const graph = folderGraph();
  for (const [from, targets] of [...graph].sort()) for (const to of [...targets.keys()].sort()) process.stdout.write(`${from} -> ${to}\n`);
  for (const cycle of folderCycles(graph)) process.stdout.write(`\n${describeCycle(cycle, graph)}\n`);
}
