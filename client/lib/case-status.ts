/** One line saying where a case of a submission stands: queued (with its place), running (stage), done, failed. Pure. */
import type { SubmissionCase } from '../api/types.ts';

export function caseStatusText(c: Pick<SubmissionCase, 'status' | 'queuePosition' | 'progress' | 'error' | 'attempts'>): string {
  switch (c.status) {
    case 'queued': {
      const place = c.queuePosition ? `queued — position ${c.queuePosition} in the queue` : 'queued';
      return c.attempts > 0 && c.error?.message ? `${place} (retrying: ${c.error.message})` : place;
    }
    case 'running': {
      const progress = (c.progress ?? {}) as { stage?: unknown; fraction?: unknown };
      const parts = [typeof progress.stage === 'string' ? progress.stage : null, typeof progress.fraction === 'number' ? `${Math.round(progress.fraction * 100)} %` : null].filter(Boolean);
      return parts.length ? `running — ${parts.join(', ')}` : 'running';
    }
    case 'done':
      return 'done';
    case 'failed': {
      if (!c.error?.message) return 'failed';
      const owner = c.error.owner === 'platform' ? ' (a platform fault; it does not count toward your quota)' : '';
      return `failed: ${c.error.message}${owner}`;
    }
    default:
      return String(c.status);
  }
}

export function isFinished(status: string): boolean {
  return status === 'done' || status === 'failed';
}
