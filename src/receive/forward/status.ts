// HTTP status <-> StoreError code for receiver-to-receiver writes, as Thanos maps them: conflicts
// travel as AlreadyExists, bad data as InvalidArgument, limits as ResourceExhausted; anything
// else (node down, timeout, internal) is retryable.
import { StoreError, type StoreErrorCode } from "../../store/errors.ts";

export function errorForStatus(status: number, message: string): StoreError {
  const code: StoreErrorCode =
    status === 409 ? "AlreadyExists" : status === 400 ? "InvalidArgument" : status === 429 || status === 413 ? "ResourceExhausted" : status === 503 ? "Unavailable" : "Internal";
  return new StoreError(code, message);
}

export function statusForError(e: unknown): number {
  if (e instanceof StoreError) {
    if (e.code === "AlreadyExists") return 409;
    if (e.code === "InvalidArgument") return 400;
    if (e.code === "ResourceExhausted") return 429;
  }
  return 503;
}

// The answer for a request whose series missed the quorum, from the failed replicas' statuses:
// when every failure was the sender's fault (4xx) the most frequent one (conflicts first on a
// tie, never retried); otherwise 503 so the sender retries.
export function quorumFailureStatus(statuses: readonly number[]): number {
  if (statuses.length === 0 || statuses.some((s) => s >= 500)) return 503;
  const count = new Map<number, number>();
  for (const s of statuses) count.set(s, (count.get(s) ?? 0) + 1);
  let best = 0;
  let bestN = -1;
  for (const s of [409, 400, 429, 413, ...count.keys()]) {
    const n = count.get(s) ?? 0;
    if (n > bestN) {
      best = s;
      bestN = n;
    }
  }
  return best;
}
