// Sub-commands of `aeon tools`, loaded lazily. Each entry lives in its own file
// (tools-<name>.ts) exporting a Command; add one line here to register another. A group
// such as `bucket` registers one Command with rawArgs and dispatches `ls|inspect|…` itself,
// or registers two-word keys ("bucket web") that tools.ts matches before one-word ones.
import type { Command } from "./command.ts";

export const toolSubcommands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  "promql-test": {
    summary: "Run Prometheus PromQL test scripts against the engine",
    load: async () => (await import("./tools-promql-test.ts")).promqlTestCommand,
  },
  "bucket web": {
    summary: "Serve the bucket web view (blocks of each stream on a time axis)",
    load: async () => (await import("./tools-bucket-web.ts")).bucketWebCommand,
  },
  "bucket ls": {
    summary: "List the blocks in the bucket (table, wide or JSON)",
    load: async () => (await import("./tools-bucket.ts")).bucketLsCommand,
  },
  "bucket inspect": {
    summary: "Inspect the blocks in the bucket in a Thanos-like table",
    load: async () => (await import("./tools-bucket.ts")).bucketInspectCommand,
  },
  "bucket verify": {
    summary: "Check every block's index, chunks and files, and overlaps; exit 1 on problems",
    load: async () => (await import("./tools-bucket.ts")).bucketVerifyCommand,
  },
  "bucket upload": {
    summary: "Upload a local Prometheus block (or a folder of blocks) with external labels",
    load: async () => (await import("./tools-bucket.ts")).bucketUploadCommand,
  },
  "bucket dump": {
    summary: "Print every sample exactly as `promtool tsdb dump` does",
    load: async () => (await import("./tools-bucket.ts")).bucketDumpCommand,
  },
};
