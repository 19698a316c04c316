// PromQL test-script runner (Prometheus's promqltest format) and its in-memory storage.
export { runScript, type CaseResult, type RunOptions } from "./runner.ts";
export { parseScript, type Command, type EvalCmd, type LoadCmd } from "./script.ts";
export { MemStorage } from "./storage.ts";
export { loadEngine, harnessOptions, EngineUnavailableError, type TestEngine } from "./engine-loader.ts";
export { summarize, formatFailure, formatTable, formatTotal, type FileSummary } from "./report.ts";
export { runFiles, type RunFilesResult } from "./run-files.ts";
