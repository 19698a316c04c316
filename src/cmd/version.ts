import type { Command } from "./command.ts";
import { runtimeName, runtimeVersion } from "../runtime/index.ts";
import { version, revision, branch } from "../version.ts";

export const versionCommand: Command = {
  name: "version",
  summary: "Print build and runtime information",
  flags: [],
  async run() {
    console.log(`aeon, version ${version} (branch: ${branch}, revision: ${revision})`);
    console.log(`  runtime: ${runtimeName} ${runtimeVersion()}`);
    return 0;
  },
};
