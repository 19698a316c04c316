// Entry point: `aeon <component> [flags]`. Runs unchanged under node (via bin/aeon + tsx),
// `bun run src/cli.ts` and `deno run -A src/cli.ts`.
import { commands } from "./cmd/registry.ts";
import { FlagError, flagHelp, parseFlags } from "./cmd/flags.ts";

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "usage: aeon <component> [flags]",
    "",
    "A Thanos-compatible, highly available long-term store and global query layer for Prometheus.",
    "",
    "Components:",
    ...lines,
    "",
    "Run `aeon <component> --help` for the flags of one component.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return 0;
  }
  if (name === "--version") argv = ["version"];
  const entry = commands[argv[0]];
  if (!entry) {
    console.error(`aeon: unknown component ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  const cmd = await entry.load();
  if (!cmd.rawArgs && (rest.includes("--help") || rest.includes("-h"))) {
    console.log(`usage: aeon ${cmd.name} [flags]\n\n${cmd.summary}\n\nFlags:\n${flagHelp(cmd.flags)}`);
    return 0;
  }
  try {
    const flags = cmd.rawArgs ? { values: new Map(), positional: rest } : parseFlags(rest, cmd.flags);
    return await cmd.run(flags, rest);
  } catch (err) {
    if (err instanceof FlagError) {
      console.error(`aeon ${cmd.name}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? process.argv.slice(2);
main(args).then(
  (code) => {
    // Long-running components keep the event loop busy and never resolve; one-shot commands exit.
    process.exitCode = code;
    if (code !== 0) process.exit(code);
  },
  (err) => {
    console.error(`level=error msg="fatal" err=${JSON.stringify(String(err?.stack ?? err))}`);
    process.exit(1);
  },
);
