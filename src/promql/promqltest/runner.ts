// Runs test scripts against the engine. One eval command is one case: it passes only if the
// query and all of the harness's re-runs (range query around the instant, `@`-pinned
// re-evaluations) give the expected result. With skipNativeHistograms, an eval that touches
// native-histogram data (histogram samples selected, `{{…}}` in the eval) is skipped.
import { allFeatures } from "../api.ts";
import type { Expr } from "../ast.ts";
import { formatExpr } from "../format/index.ts";
import { parse } from "../parser/index.ts";
import type { Value } from "../value.ts";
import { atEvalTimes, pinToTime, usesQueryParamFunctions } from "./at-variants.ts";
import { checkAnnotations, compareInstant, compareMatrix, describeExpected, describeValue, matrixAt, unsortedError } from "./compare.ts";
import type { TestEngine } from "./engine-loader.ts";
import { convertClassicToNHCB } from "./nhcb.ts";
import { parseScript, ScriptError, type EvalCmd, type LoadCmd } from "./script.ts";
import { MemStorage } from "./storage.ts";

export type CaseStatus = "pass" | "fail" | "skip";

export interface CaseResult {
  file: string;
  line: number;
  query: string;
  status: CaseStatus;
  reason?: string; // why it failed
  expected?: string;
  got?: string;
}

export interface RunOptions {
  skipNativeHistograms: boolean;
}

class CaseFailure extends Error {
  constructor(
    message: string,
    readonly got?: string,
  ) {
    super(message);
  }
}

export async function runScript(file: string, text: string, engine: TestEngine, opts: RunOptions): Promise<CaseResult[]> {
  const store = new MemStorage();
  const results: CaseResult[] = [];
  let cmds;
  try {
    cmds = parseScript(text);
  } catch (e) {
    // A script we cannot read counts as one failed case, so it cannot pass silently.
    const line = e instanceof ScriptError ? e.line : 0;
    return [{ file, line, query: "(script)", status: "fail", reason: `cannot parse script: ${(e as Error).message}` }];
  }
  for (const cmd of cmds) {
    if (cmd.kind === "clear") {
      store.clear();
      continue;
    }
    if (cmd.kind === "load") {
      load(store, cmd);
      continue;
    }
    store.touchedHistograms = false;
    const res: CaseResult = { file, line: cmd.line, query: cmd.query, status: "pass" };
    try {
      await runEval(cmd, store, engine);
    } catch (e) {
      res.status = "fail";
      res.reason = e instanceof CaseFailure ? e.message : `runner error: ${(e as Error).stack ?? e}`;
      res.expected = describeExpected(cmd);
      if (e instanceof CaseFailure && e.got !== undefined) res.got = e.got;
    }
    // load_with_nhcb data is stored as histogram samples, so selecting it counts as touching.
    // Selectors are also checked statically: a query may fail before it reads any data.
    const touchesHistograms = store.touchedHistograms || cmd.usesHistogramNotation || selectsHistograms(cmd.query, store);
    if (opts.skipNativeHistograms && touchesHistograms) res.status = "skip";
    results.push(res);
  }
  return results;
}

function load(store: MemStorage, cmd: LoadCmd): void {
  for (const s of cmd.series) {
    s.values.forEach((v, i) => {
      if (v.omitted) return;
      const t = i * cmd.stepMs;
      const off = s.startOffsets?.[i];
      store.append(s.labels, t, v.v, v.h, v.stale, off === null || off === undefined ? NaN : t + off);
    });
  }
  if (cmd.nhcb) convertClassicToNHCB(store, cmd.series.map((s) => s.labels));
}

function errorMatches(cmd: EvalCmd, err: Error): string | null {
  const f = cmd.expectations.find((e) => e.kind === "fail")!;
  if (f.msg !== undefined && err.message !== f.msg) return `expected error ${JSON.stringify(f.msg)} but got ${JSON.stringify(err.message)}`;
  if (f.regex && !f.regex.test(err.message)) return `expected error matching ${f.regex} but got ${JSON.stringify(err.message)}`;
  return null;
}

async function runEval(cmd: EvalCmd, store: MemStorage, engine: TestEngine): Promise<void> {
  const expectFail = cmd.expectations.some((e) => e.kind === "fail");
  let result;
  try {
    result = cmd.range
      ? await engine.rangeQuery(store, cmd.query, cmd.start, cmd.end, cmd.step)
      : await engine.instantQuery(store, cmd.query, cmd.start);
  } catch (e) {
    if (!expectFail) throw new CaseFailure(`query failed: ${(e as Error).message}`);
    const bad = errorMatches(cmd, e as Error);
    if (bad) throw new CaseFailure(bad);
    return;
  }
  if (expectFail) throw new CaseFailure("expected the query to fail, but it succeeded", describeValue(result.value));
  const annoErr = checkAnnotations(cmd, result.warnings, result.infos);
  if (annoErr) throw new CaseFailure(annoErr, describeValue(result.value));
  if (cmd.range) {
    if (result.value.type !== "matrix") throw new CaseFailure(`range query returned ${result.value.type}`, describeValue(result.value));
    const err = compareMatrix(cmd.series, result.value, cmd.start, cmd.end, cmd.step);
    if (err) throw new CaseFailure(err, describeValue(result.value));
    return;
  }
  const err = compareInstant(cmd, result.value, cmd.ordered);
  if (err) throw new CaseFailure(err, describeValue(result.value));
  await rangeCheck(cmd, cmd.query, cmd.start, result.value, store, engine, "");

  // `@` re-runs: pinned to the eval time, evaluated at other times.
  let ast: Expr;
  try {
    ast = parse(cmd.query, { features: allFeatures });
  } catch {
    return; // the engine accepted what our parser rejects: the main run already covers it
  }
  const pinned = pinToTime(ast, cmd.start);
  if (!pinned) return;
  const pinnedQuery = formatExpr(pinned);
  for (const t of atEvalTimes(cmd.start)) {
    const label = `[@ re-run: ${pinnedQuery} at ${t / 1000}s] `;
    let r;
    try {
      r = await engine.instantQuery(store, pinnedQuery, t);
    } catch (e) {
      throw new CaseFailure(`${label}query failed: ${(e as Error).message}`);
    }
    const e2 = compareInstant(cmd, r.value, cmd.ordered);
    if (e2) throw new CaseFailure(label + e2, describeValue(r.value));
    await rangeCheck(cmd, pinnedQuery, t, r.value, store, engine, label);
  }
}

// The instant result must equal the middle step of a range query from t-1m to t+1m.
async function rangeCheck(cmd: EvalCmd, query: string, t: number, instant: Value, store: MemStorage, engine: TestEngine, label: string): Promise<void> {
  if (cmd.ordered || cmd.rangeVector || cmd.expectString !== null || instant.type === "string" || instant.type === "matrix") return;
  try {
    if (usesQueryParamFunctions(parse(query, { features: allFeatures }))) return;
  } catch {
    return;
  }
  let r;
  try {
    r = await engine.rangeQuery(store, query, t - 60_000, t + 60_000, 60_000);
  } catch (e) {
    throw new CaseFailure(`${label}[range re-run] query failed: ${(e as Error).message}`);
  }
  if (r.value.type !== "matrix") throw new CaseFailure(`${label}[range re-run] returned ${r.value.type}`);
  const sortErr = unsortedError(r.value);
  if (sortErr) throw new CaseFailure(`${label}[range re-run] ${sortErr}`);
  const { vector } = matrixAt(r.value, t);
  const mid: Value = instant.type === "scalar" ? { type: "scalar", t, v: vector.type === "vector" && vector.samples[0] ? vector.samples[0].v : NaN } : vector;
  const err = compareInstant(cmd, mid, false);
  if (err) throw new CaseFailure(`${label}[range re-run at middle step] ${err}`, describeValue(mid));
}

function selectsHistograms(query: string, store: MemStorage): boolean {
  let ast: Expr;
  try {
    ast = parse(query, { features: allFeatures });
  } catch {
    return false;
  }
  let found = false;
  const visit = (n: Expr): void => {
    if (found) return;
    switch (n.type) {
      case "VectorSelector":
        found = store.hasHistograms(n.matchers);
        return;
      case "MatrixSelector":
        return visit(n.vectorSelector);
      case "Call":
        return n.args.forEach(visit);
      case "AggregateExpr":
        visit(n.expr);
        if (n.param) visit(n.param);
        return;
      case "BinaryExpr":
        visit(n.lhs);
        return visit(n.rhs);
      case "ParenExpr":
      case "UnaryExpr":
      case "SubqueryExpr":
      case "StepInvariantExpr":
        return visit(n.expr);
    }
  };
  visit(ast);
  return found;
}
