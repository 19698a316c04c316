import type { Command } from "./command.ts";
import { runSelfChecks } from "../kernels/selfcheck.ts";
import { runtimeName, runtimeVersion } from "../runtime/index.ts";

export const selfcheckCommand: Command = {
  name: "selfcheck",
  summary: "Run every WASM kernel against its TypeScript reference on built-in data",
  flags: [],
  async run() {
    console.log(`aeon selfcheck on ${runtimeName} ${runtimeVersion()}`);
    const results = runSelfChecks();
    for (const r of results) console.log(`  ${r.ok ? "ok  " : "FAIL"} ${r.name.padEnd(12)} ${r.detail} (${r.ms.toFixed(0)} ms)`);
    const failed = results.filter((r) => !r.ok).length;
    console.log(failed === 0 ? `all ${results.length} kernel checks passed` : `${failed} of ${results.length} kernel checks FAILED`);
    return failed === 0 ? 0 : 1;
  },
};
