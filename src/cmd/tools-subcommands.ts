// Sub-commands of `aeon tools`, loaded lazily. Each entry lives in its own file
// (tools-<name>.ts) exporting a Command; add one line here to register another. A group
// such as `bucket` registers one Command with rawArgs and dispatches `ls|inspect|…` itself.
import type { Command } from "./command.ts";

export const toolSubcommands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  "promql-test": {
    summary: "Run Prometheus PromQL test scripts against the engine",
    load: async () => (await import("./tools-promql-test.ts")).promqlTestCommand,
  },
};
