// One endpoint's Series stream as the merge sees it: read ahead into a bounded buffer so every
// endpoint is pulled concurrently, and errors/warnings become values the merge can act on.
import type { SeriesResponse } from "../../gen/thanos/store/rpc_pb.ts";
import type { Series } from "../../gen/thanos/store/types_pb.ts";
import { toStoreError, type StoreError } from "../errors.ts";

export type Pulled = { kind: "series"; series: Series } | { kind: "warning"; warning: string } | { kind: "end" } | { kind: "error"; error: StoreError };

export class BufferedStream {
  private readonly buf: Pulled[] = [];
  private waiter: (() => void) | null = null;
  private resume: (() => void) | null = null;
  private done = false;

  constructor(
    readonly name: string,
    source: AsyncIterable<SeriesResponse>,
    private readonly capacity = 64,
  ) {
    void this.pump(source);
  }

  private push(p: Pulled): void {
    this.buf.push(p);
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private async pump(source: AsyncIterable<SeriesResponse>): Promise<void> {
    try {
      for await (const r of source) {
        if (r.result.case === "series") this.push({ kind: "series", series: r.result.value });
        else if (r.result.case === "warning") this.push({ kind: "warning", warning: r.result.value });
        else if (r.result.case === "batch") for (const s of r.result.value.series) this.push({ kind: "series", series: s });
        // hints are per-store and not forwarded
        while (this.buf.length >= this.capacity && !this.done) await new Promise<void>((res) => (this.resume = res));
        if (this.done) return;
      }
      this.push({ kind: "end" });
    } catch (e) {
      this.push({ kind: "error", error: toStoreError(e) });
    }
  }

  async next(): Promise<Pulled> {
    while (this.buf.length === 0) await new Promise<void>((res) => (this.waiter = res));
    const p = this.buf.shift()!;
    const r = this.resume;
    this.resume = null;
    r?.();
    return p;
  }

  // Stop reading ahead (the caller aborts the underlying call through its signal).
  stop(): void {
    this.done = true;
    const r = this.resume;
    this.resume = null;
    r?.();
  }
}
