// Every CLI component, loaded lazily so `aeon version` does not pay for the whole tree.
import type { Command } from "./command.ts";

export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  tools: { summary: "Utility commands: promql-test, …", load: async () => (await import("./tools.ts")).toolsCommand },
  "all-in-one": { summary: "Receive + store gateway + compactor + querier in one process (the default `npm start`)", load: async () => (await import("./all-in-one.ts")).allInOneCommand },
  query: { summary: "Query node: PromQL and the Prometheus HTTP API over StoreAPI endpoints", load: async () => (await import("./query.ts")).queryCommand },
  receive: { summary: "Receiver: Prometheus remote write into per-tenant TSDBs, served over the StoreAPI and uploaded to the bucket", load: async () => (await import("./receive.ts")).receiveCommand },
  store: { summary: "Store gateway: serves the blocks of an object-storage bucket over the StoreAPI", load: async () => (await import("./store.ts")).storeCommand },
  sidecar: { summary: "Sidecar for a Prometheus: StoreAPI over remote read, and block shipping to a bucket", load: async () => (await import("./sidecar.ts")).sidecarCommand },
  compact: { summary: "Compactor: compaction, vertical deduplication, downsampling and retention of a bucket", load: async () => (await import("./compact.ts")).compactCommand },
  version: { summary: "Print build and runtime information", load: async () => (await import("./version.ts")).versionCommand },
  selfcheck: { summary: "Run every WASM kernel against its TypeScript reference", load: async () => (await import("./selfcheck.ts")).selfcheckCommand },
};
