/**
 * The one retry policy for lock timeouts (SQLSTATE 55P03): DDL that cannot get
 * its lock within lock_timeout gives up instead of queueing every other query
 * behind it, then tries again after a growing pause.
 */
export interface RetryPolicy {
  retries: number;
  backoffMs: number;
}

export interface RetryNotice {
  attempt: number;
  delayMs: number;
  error: unknown;
}

export function isLockTimeout(e: unknown): boolean {
  return (e as { code?: string })?.code === '55P03';
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function withLockRetry<T>(
  policy: RetryPolicy,
  body: (attempt: number) => Promise<T>,
  onRetry?: (notice: RetryNotice) => Promise<void> | void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await body(attempt);
    } catch (e) {
      if (!isLockTimeout(e) || attempt > policy.retries) throw e;
      const delayMs = policy.backoffMs * 2 ** (attempt - 1);
      await onRetry?.({ attempt, delayMs, error: e });
      await sleep(delayMs);
    }
  }
}
