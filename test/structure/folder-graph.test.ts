/**
 * No cycle between folders: the run-time import graph folded into top-level and second-level folders
 * (test/structure/import-graph.ts) must be acyclic, so each folder can be read, tested and moved with only the
 * folders below it. A failure prints one closed path through each cycle, with the file import behind each step.
 */
import assert from 'node:assert/strict';
import { describeCycle, folderCycles, folderGraph } from './import-graph.ts';

describe('folder import graph', () => {
  let graph: ReturnType<typeof folderGraph>;
  before(() => {
    graph = folderGraph();
  });

  it('has no cycle between folders', () => {
    const cycles = folderCycles(graph);
    assert.equal(cycles.length, 0, `\n${cycles.map((c) => describeCycle(c, graph)).join('\n\n')}\n`);
  });

  it('finds a cycle when there is one (a hand-made graph: a → b → c → a, d → a)', () => {
    const edges = [
      { from: 'server/a/x.ts', to: 'server/b/y.ts' },
      { from: 'server/b/y.ts', to: 'server/c/z.ts' },
      { from: 'server/c/z.ts', to: 'server/a/w.ts' },
      { from: 'server/d/v.ts', to: 'server/a/x.ts' },
    ];
    const cycles = folderCycles(folderGraph(edges));
    assert.deepEqual(cycles.map((c) => [...c].sort()), [['server/a', 'server/b', 'server/c']]);
  });

  it('sees the folders and their imports', () => {
    // a guard against a graph builder that silently finds nothing
    assert.ok(graph.get('server/app.ts')?.has('server/challenges'));
    assert.ok(graph.get('server/teams')?.has('server/challenges'));
  });
});
