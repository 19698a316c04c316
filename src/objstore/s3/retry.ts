// Which failures are worth another attempt, and how long to wait before it. Retry only what can
// succeed on its own: server errors (5xx), throttling (429/SlowDown), S3's RequestTimeout, our
// own timeouts and network errors. A 4xx (wrong signature, missing object, bad request) would
// fail the same way again, so it is returned at once.
export const RETRYABLE_CODES = new Set(["RequestTimeout", "SlowDown", "InternalError", "ServiceUnavailable"]);

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

/** Exponential backoff with full jitter: uniform in [0, min(max, min * 2^attempt)]. */
export function backoffMs(attempt: number, minMs: number, maxMs: number, random = Math.random): number {
  const cap = Math.min(maxMs, minMs * 2 ** attempt);
  return Math.max(minMs / 2, Math.floor(random() * cap));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class TimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no response for ${ms} ms`);
    this.name = "TimeoutError";
  }
}
