import type { FlagSpec, ParsedFlags } from "./flags.ts";

// One CLI component: its flags and a run function that only wires config to the concept
// folders. `run` resolves with the process exit code (long-running components resolve when
// they stop).
export interface Command {
  name: string;
  summary: string;
  flags: FlagSpec[];
  // Commands with sub-commands (e.g. `tools bucket ls`) take the rest of argv themselves.
  rawArgs?: boolean;
  run(flags: ParsedFlags, argv: string[]): Promise<number>;
}
