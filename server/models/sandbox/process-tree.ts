/**
 * Resident memory of a process and all its descendants, from /proc (the parent sees the sandbox's processes in
 * its own pid namespace). Used to report a model run's peak memory and as a watchdog behind the kernel limits.
 * Reads /proc/<pid>/stat for the parent links (field 4, after the parenthesised command name) and
 * /proc/<pid>/statm for resident pages (field 2).
 */
import { readdirSync, readFileSync } from 'node:fs';

const PAGE_BYTES = 4096;

function parentOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function residentBytes(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES;
  } catch {
    return 0;
  }
}

/** The pids of `root` and its descendants (empty where there is no /proc or the process is gone). */
export function processTree(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const pid of entries) {
    const parent = parentOf(pid);
    if (parent === undefined) continue;
    const list = children.get(parent) ?? [];
    list.push(Number(pid));
    children.set(parent, list);
  }
  const tree: number[] = [];
  const queue = entries.includes(String(root)) ? [root] : [];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Resident memory of the tree in MB; undefined when the root process is gone. */
export function treeResidentMemoryMb(root: number): number | undefined {
  const tree = processTree(root);
  if (tree.length === 0) return undefined;
  return tree.reduce((sum, pid) => sum + residentBytes(pid), 0) / (1024 * 1024);
}
