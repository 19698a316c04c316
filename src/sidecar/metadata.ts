// What the sidecar knows about its Prometheus, refreshed in the background: the external labels
// (they identify this Prometheus in the whole system, so the sidecar will not run without them)
// and the oldest timestamp it can answer for (Info's min_time).
import { readdir, readFile } from "node:fs/promises";
import { labelsEqual, formatLabels, type Label } from "../labels/index.ts";
import type { Logger } from "../observability/index.ts";
import type { PrometheusClient } from "./prom-client.ts";

export const MIN_INT64 = -(2n ** 63n);
export const MAX_INT64 = 2n ** 63n - 1n;

// Thanos's wording, so operators searching for the message find the same advice.
export const NO_EXTERNAL_LABELS_MESSAGE =
  "no external labels configured on Prometheus server, uniquely identifying external labels must be configured; see https://thanos.io/tip/thanos/storage.md#external-labels for details.";

export class NoExternalLabelsError extends Error {
  constructor() {
    super(NO_EXTERNAL_LABELS_MESSAGE);
    this.name = "NoExternalLabelsError";
  }
}

export interface PromMetadataOptions {
  prom: PrometheusClient;
  // Prometheus's data dir; its block metas bound min_time. Optional (no shipper, remote Prometheus).
  tsdbPath?: string;
  logger: Logger;
}

export class PromMetadata {
  private ext: Label[] = [];
  private minTime = MIN_INT64;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly opts: PromMetadataOptions) {}

  externalLabels(): Label[] {
    return this.ext;
  }

  // Oldest ms timestamp Prometheus may hold: the earliest of its local blocks and its head.
  // MinInt64 while unknown, so a querier never skips this sidecar by mistake.
  timestamps(): { minTime: bigint; maxTime: bigint } {
    return { minTime: this.minTime, maxTime: MAX_INT64 };
  }

  // Loads the external labels; throws NoExternalLabelsError when Prometheus has none.
  async loadExternalLabels(signal?: AbortSignal): Promise<Label[]> {
    const ext = await this.opts.prom.externalLabels(signal);
    if (ext.length === 0) throw new NoExternalLabelsError();
    if (!labelsEqual(ext, this.ext)) {
      if (this.ext.length) this.opts.logger.warn("Prometheus external labels changed", { from: formatLabels(this.ext), to: formatLabels(ext) });
      this.ext = ext;
    }
    return ext;
  }

  async refreshTimestamps(signal?: AbortSignal): Promise<void> {
    let min: number | undefined;
    try {
      min = await this.opts.prom.headMinTime(signal);
    } catch (e) {
      this.opts.logger.debug("cannot read Prometheus TSDB status", { err: e as Error });
    }
    if (this.opts.tsdbPath) {
      const oldest = await oldestBlockMinTime(this.opts.tsdbPath);
      if (oldest !== undefined && (min === undefined || oldest < min)) min = oldest;
    }
    this.minTime = min === undefined ? MIN_INT64 : BigInt(min);
  }

  // Re-reads both every `intervalMs`. Failures keep the previous values (a restarting Prometheus
  // must not make the sidecar forget its identity).
  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => {
      void this.loadExternalLabels().catch((e) => this.opts.logger.warn("cannot refresh Prometheus external labels; keeping the previous ones", { err: e as Error }));
      void this.refreshTimestamps().catch((e) => this.opts.logger.warn("cannot refresh Prometheus time range", { err: e as Error }));
    }, intervalMs);
    (this.timer as { unref?: () => void }).unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

// minTime of the oldest block directory (ULID name with a readable meta.json) under `dir`.
export async function oldestBlockMinTime(dir: string): Promise<number | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  let min: number | undefined;
  for (const name of names) {
    if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(name)) continue;
    try {
      const meta = JSON.parse(await readFile(`${dir}/${name}/meta.json`, "utf8")) as { minTime?: unknown };
      if (typeof meta.minTime === "number" && (min === undefined || meta.minTime < min)) min = meta.minTime;
    } catch {
      // being written or deleted by Prometheus right now; the next refresh sees it
    }
  }
  return min;
}
