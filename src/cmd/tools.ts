// `aeon tools <sub-command> …`: dispatches to the entries of tools-subcommands.ts.
import type { Command } from "./command.ts";
import { flagHelp, FlagError, parseFlags } from "./flags.ts";
import { toolSubcommands } from "./tools-subcommands.ts";

function usage(): string {
  const names = Object.keys(toolSubcommands);
  const w = Math.max(...names.map((n) => n.length));
  return ["usage: aeon tools <sub-command> [flags]", "", "Sub-commands:", ...names.map((n) => `  ${n.padEnd(w)}  ${toolSubcommands[n].summary}`)].join("\n");
}

export const toolsCommand: Command = {
  name: "tools",
  summary: "Utility commands (promql-test, …)",
  flags: [],
  rawArgs: true,
  async run(_flags, argv) {
    let [sub, ...rest] = argv;
    // Two-word sub-commands ("bucket web") are registered under their full name.
    const twoWord = rest.length > 0 ? `${sub} ${rest[0]}` : "";
    if (twoWord && toolSubcommands[twoWord]) {
      sub = twoWord;
      rest = rest.slice(1);
    }
    if (!sub || sub === "--help" || sub === "-h" || sub === "help") {
      console.log(usage());
      return sub ? 0 : 2;
    }
    const entry = toolSubcommands[sub];
    if (!entry) {
      console.error(`aeon tools: unknown sub-command ${JSON.stringify(sub)}\n\n${usage()}`);
      return 2;
    }
    const cmd = await entry.load();
    if (!cmd.rawArgs && (rest.includes("--help") || rest.includes("-h"))) {
      console.log(`usage: aeon tools ${cmd.name} [flags]\n\n${cmd.summary}\n\nFlags:\n${flagHelp(cmd.flags)}`);
      return 0;
    }
    try {
      const flags = cmd.rawArgs ? { values: new Map(), positional: rest } : parseFlags(rest, cmd.flags);
      return await cmd.run(flags, rest);
    } catch (err) {
      if (err instanceof FlagError) {
        console.error(`aeon tools ${cmd.name}: ${err.message}`);
        return 2;
      }
      throw err;
    }
  },
};
