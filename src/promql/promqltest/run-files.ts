// Runs several script files and collects per-file summaries (used by the CLI and the test).
import { readFile } from "node:fs/promises";
import { loadEngine, type TestEngine } from "./engine-loader.ts";
import { summarize, type FileSummary } from "./report.ts";
import { runScript, type CaseResult, type RunOptions } from "./runner.ts";

export interface RunFilesResult {
  results: CaseResult[];
  summaries: FileSummary[];
}

export async function runFiles(paths: string[], opts: RunOptions, engine?: TestEngine): Promise<RunFilesResult> {
  const eng = engine ?? (await loadEngine());
  const results: CaseResult[] = [];
  const summaries: FileSummary[] = [];
  for (const p of paths) {
    const name = p.split("/").pop()!;
    const rs = await runScript(name, await readFile(p, "utf8"), eng, opts);
    results.push(...rs);
    summaries.push(summarize(name, rs));
  }
  return { results, summaries };
}
