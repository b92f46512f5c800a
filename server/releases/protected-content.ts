/**
 * Content no release may hand out, decided by the bytes (sha256) wherever they came from — picked from a phase or
 * uploaded again under another name: the CTs and gold standards of a model phase (its cases stay hidden for good),
 * and the gold standard of any phase that teams can still submit to (not yet closed). Checked when a file is
 * added to a release and again at every download, since a phase's closing may move later.
 */
import type { Queryable } from '../challenges/queryable.ts';

/** For each protected sha256 among `sha256s`, the reason it may not be released now. */
export async function protectedContent(db: Queryable, sha256s: readonly string[]): Promise<Map<string, string>> {
  if (sha256s.length === 0) return new Map();
  const result = await db.query<{ sha256: string; role: 'ct' | 'gold'; case_name: string; phase_name: string; kind: 'masks' | 'model' }>(
    `select g.sha256, 'gold' as role, c.name as case_name, p.name as phase_name, p.kind
       from gold_standards g join cases c on c.id = g.case_id join phases p on p.id = c.phase_id
      where g.sha256 = any($1::text[]) and (p.kind = 'model' or p.closes_at > now())
     union all
     select c.ct_sha256, 'ct', c.name, p.name, p.kind
       from cases c join phases p on p.id = c.phase_id
      where c.ct_sha256 = any($1::text[]) and p.kind = 'model'`,
    [sha256s],
  );
  const reasons = new Map<string, string>();
  for (const row of result.rows) {
    if (reasons.has(row.sha256)) continue;
    const what = row.role === 'gold' ? 'gold standard' : 'CT';
    reasons.set(
      row.sha256,
      row.kind === 'model'
        ? `it is the ${what} of case ${row.case_name} in model phase "${row.phase_name}", whose cases stay hidden`
        : `it is the gold standard of case ${row.case_name} in phase "${row.phase_name}", which teams can still submit to`,
    );
  }
  return reasons;
}
