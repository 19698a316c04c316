// `aeon tools promql-test [--skip-native-histograms] FILE…`: runs Prometheus PromQL test
// scripts against the engine with the reference harness's settings.
import type { Command } from "./command.ts";
import { bool } from "./flags.ts";
import { EngineUnavailableError, formatFailure, formatTable, formatTotal, runFiles } from "../promql/promqltest/index.ts";

export const promqlTestCommand: Command = {
  name: "promql-test",
  summary: "Run Prometheus PromQL test scripts (promqltest format) against the engine",
  flags: [{ name: "skip-native-histograms", type: "bool", default: false, help: "Skip evals that touch native-histogram data" }],
  async run(flags) {
    const files = flags.positional;
    if (files.length === 0) {
      console.error("aeon tools promql-test: no test files given");
      return 2;
    }
    let run;
    try {
      run = await runFiles(files, { skipNativeHistograms: bool(flags, "skip-native-histograms") });
    } catch (e) {
      if (e instanceof EngineUnavailableError) {
        console.error(`aeon tools promql-test: ${e.message}`);
        return 1;
      }
      throw e;
    }
    for (const r of run.results) if (r.status === "fail") console.log(formatFailure(r) + "\n");
    console.log(formatTable(run.summaries));
    console.log(formatTotal(run.summaries));
    return run.results.some((r) => r.status === "fail") ? 1 : 0;
  },
};
