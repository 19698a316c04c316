// Text report of a conformance run: failing evals, a per-file table, and the total line.
import type { CaseResult } from "./runner.ts";

export interface FileSummary {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
}

export function summarize(file: string, results: CaseResult[]): FileSummary {
  const count = (s: CaseResult["status"]) => results.filter((r) => r.status === s).length;
  return { file, passed: count("pass"), failed: count("fail"), skipped: count("skip") };
}

const indent = (s: string) => s.split("\n").map((l) => "      " + l).join("\n");

export function formatFailure(r: CaseResult): string {
  let s = `FAIL ${r.file}:${r.line}: ${r.query}\n  ${r.reason}`;
  if (r.expected !== undefined) s += `\n  expected:\n${indent(r.expected)}`;
  if (r.got !== undefined) s += `\n  got:\n${indent(r.got)}`;
  return s;
}

export function formatTable(rows: FileSummary[]): string {
  const w = Math.max(4, ...rows.map((r) => r.file.length));
  const line = (f: string, p: string | number, fl: string | number, sk: string | number) =>
    `${f.padEnd(w)}  ${String(p).padStart(6)}  ${String(fl).padStart(6)}  ${String(sk).padStart(7)}`;
  return [line("file", "passed", "failed", "skipped"), ...rows.map((r) => line(r.file, r.passed, r.failed, r.skipped))].join("\n");
}

export function formatTotal(rows: FileSummary[]): string {
  const sum = (k: "passed" | "failed" | "skipped") => rows.reduce((a, r) => a + r[k], 0);
  return `${sum("passed")} passed, ${sum("failed")} failed, ${sum("skipped")} skipped`;
}
