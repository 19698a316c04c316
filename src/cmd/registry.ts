// Every CLI component, loaded lazily so `aeon version` does not pay for the whole tree.
import type { Command } from "./command.ts";

export const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  version: { summary: "Print build and runtime information", load: async () => (await import("./version.ts")).versionCommand },
};
