// --wait: a pass every --wait-interval until stopped. A failed pass is logged and retried at
// the next interval (the process stays up, as Thanos's does with --wait).
import type { Logger } from "../observability/index.ts";
import type { Compactor } from "./compactor.ts";

export function runLoop(c: Compactor, intervalMs: number, log: Logger): { stop(): Promise<void> } {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  const done = (async () => {
    while (!stopped) {
      try {
        const r = await c.runOnce();
        log.info("compaction iteration done", { compactions: r.compactions, downsamples: r.downsamples, deleted: r.deleted, halted_streams: r.halted.size });
      } catch (e) {
        log.error("compaction iteration failed; retrying at the next interval", { err: e as Error });
      }
      if (stopped) break;
      await new Promise<void>((r) => {
        wake = r;
        timer = setTimeout(r, intervalMs);
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
      await done;
    },
  };
}
