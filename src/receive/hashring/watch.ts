// Keeps the hashring in sync with --receive.hashrings-file: re-read on a short poll (portable
// across Node, Bun and Deno, unlike fs.watch, and robust to editors and ConfigMaps that replace
// the file), rebuilt only when the content changed. A bad new version is logged and the last
// good ring stays in use, as in Thanos.
import { readFile } from "node:fs/promises";
import { parseHashringsConfig, type HashringAlgorithm } from "./config.ts";
import { MultiHashring } from "./rings.ts";

export interface HashringWatcherOptions {
  file?: string; // --receive.hashrings-file
  inline?: string; // --receive.hashrings (JSON)
  algorithm: HashringAlgorithm;
  replicationFactor: number;
  intervalMs?: number; // default 5s
  onReload?: (ok: boolean, err?: Error, ring?: MultiHashring) => void;
}

export class HashringWatcher {
  private ring: MultiHashring | null = null;
  private lastText: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: HashringWatcherOptions) {}

  get current(): MultiHashring | null {
    return this.ring;
  }

  // Loads the first version; throws when it is missing or invalid (the receiver cannot route).
  async start(): Promise<MultiHashring> {
    const ok = await this.reload(true);
    if (!ok) throw new Error("unreachable");
    if (this.opts.file) {
      this.timer = setInterval(() => void this.reload(false), this.opts.intervalMs ?? 5000);
      (this.timer as { unref?: () => void }).unref?.();
    }
    return this.ring!;
  }

  // Returns true when a ring is in place after the call.
  async reload(throwOnError: boolean): Promise<boolean> {
    try {
      const text = this.opts.file ? await readFile(this.opts.file, "utf8") : (this.opts.inline ?? "");
      if (text === this.lastText && this.ring) return true;
      const ring = new MultiHashring(parseHashringsConfig(text), this.opts.algorithm, this.opts.replicationFactor);
      this.ring = ring;
      this.lastText = text;
      this.opts.onReload?.(true, undefined, ring);
      return true;
    } catch (e) {
      this.opts.onReload?.(false, e as Error);
      if (throwOnError) throw e;
      return this.ring !== null;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
