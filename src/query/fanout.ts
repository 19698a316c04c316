// Concurrent calls of one streaming API (metadata, exemplars) on several endpoints, collected per
// endpoint in endpoint order so merges are deterministic. Partial response as in the StoreAPI
// proxy: under ABORT the first failure fails the call (and cancels the others); under WARN a
// failed endpoint becomes a warning naming it, and every answer received (its own before the
// failure included, as Thanos keeps them) is used.
import { PartialResponseStrategy } from "../gen/thanos/store/types_pb.ts";
import { nopLogger, type Logger } from "../observability/index.ts";
import { StoreError, toStoreError } from "../store/errors.ts";
import type { StoreCallOptions } from "../store/types.ts";

export interface FanOutTarget<T> {
  name: string;
  call(opts: StoreCallOptions): AsyncIterable<T>;
}

export interface FanOutOptions {
  strategy: PartialResponseStrategy;
  // Per-endpoint deadline for the whole call (0/undefined = only the caller's).
  endpointTimeoutMs?: number;
  logger?: Logger;
}

export async function fanOut<T>(
  targets: FanOutTarget<T>[],
  o: FanOutOptions,
  opts?: StoreCallOptions,
): Promise<{ answers: T[][]; errors: string[] }> {
  const log = o.logger ?? nopLogger;
  const stopAll = new AbortController();
  const parent = opts?.signal ? AbortSignal.any([opts.signal, stopAll.signal]) : stopAll.signal;
  const t = o.endpointTimeoutMs;
  const signal = t ? AbortSignal.any([parent, AbortSignal.timeout(t)]) : parent;
  const budgets = [t, opts?.timeoutMs].filter((x): x is number => typeof x === "number" && x > 0);
  const callOpts: StoreCallOptions = { signal, timeoutMs: budgets.length ? Math.min(...budgets) : undefined };
  const answers: T[][] = targets.map(() => []);
  const errors: string[] = [];
  try {
    await Promise.all(
      targets.map(async (target, i) => {
        try {
          for await (const r of target.call(callOpts)) answers[i].push(r);
        } catch (e) {
          const err = toStoreError(e);
          const msg = err.message.startsWith(target.name) ? err.message : `${target.name}: ${err.message}`;
          if (o.strategy === PartialResponseStrategy.ABORT || opts?.signal?.aborted) {
            stopAll.abort();
            throw new StoreError(err.code, msg, { cause: err });
          }
          log.warn("endpoint failed, returning partial response", { endpoint: target.name, err: err.message });
          errors.push(msg);
        }
      }),
    );
  } finally {
    stopAll.abort();
  }
  return { answers, errors };
}
