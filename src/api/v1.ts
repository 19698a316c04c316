// Prometheus HTTP API v1 (plus Thanos's /api/v1/stores) as a Hono app. Same paths, parameters,
// JSON shapes, status codes and errorType values as Prometheus, so Grafana and promtool work.
import { Hono, type Context } from "hono";
import type { Matcher } from "../labels/matcher.ts";
import { isValidLabelName } from "../labels/labels.ts";
import { defaultFeatures, PromQLError, type FeatureFlags } from "../promql/api.ts";
import type { ApiBackend, ReadOptions } from "./backend.ts";
import { ApiError, errMessage, errorResponse, invalidParam, successResponse } from "./envelope.ts";
import { exemplarsJson, labelsJson, metadataJson, resultJson } from "./json.ts";
import { extractSelectors } from "../promql/selectors.ts";
import { formValues, MAX_TIME_MS, MIN_TIME_MS, parseDuration, parseTime } from "./params.ts";
import { parseSelector, parseQuery, formatQuery, parseTreeJson } from "./promql-bridge.ts";
import { version, revision, branch } from "../version.ts";
import { runtimeName, runtimeVersion } from "../runtime/index.ts";

const MAX_POINTS = 11_000;

type Handler = (form: URLSearchParams, c: Context) => Promise<Response>;

function wrap(backend: ApiBackend, h: Handler) {
  return async (c: Context) => {
    let form: URLSearchParams;
    try {
      form = await formValues(c.req.raw);
    } catch (e) {
      return errorResponse("bad_data", `error parsing form values: ${errMessage(e)}`);
    }
    try {
      return await h(form, c);
    } catch (e) {
      if (e instanceof ApiError) return errorResponse(e.kind, e.message);
      if (e instanceof PromQLError) return errorResponse(e.kind, e.message);
      if (c.req.raw.signal.aborted) return errorResponse("canceled", "query was canceled in query execution");
      return errorResponse("internal", errMessage(e));
    }
  };
}

// Optional times (query's `time`, series/labels `start`/`end`) carry Prometheus's extra
// "Invalid time value for 'x'" wording; query_range's required start/end do not.
function timeParam(form: URLSearchParams, name: string, dflt: number): number {
  const v = form.get(name);
  if (v === null || v === "") return dflt;
  try {
    return parseTime(v);
  } catch (e) {
    throw invalidParam(name, new Error(`Invalid time value for '${name}': ${errMessage(e)}`));
  }
}

function limitParam(form: URLSearchParams): number {
  const v = form.get("limit");
  if (v === null || v === "") return 0;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw invalidParam("limit", new Error("limit must be a non-negative integer"));
  return n;
}

// Thanos's own parameters (dedup, partial_response) use Go's strconv.ParseBool and word
// errors as `'dedup' parameter: strconv.ParseBool: parsing "x": invalid syntax`.
function boolParam(form: URLSearchParams, name: string, dflt: boolean): boolean {
  const v = form.get(name);
  if (v === null || v === "") return dflt;
  if (["true", "1", "t", "T", "TRUE", "True"].includes(v)) return true;
  if (["false", "0", "f", "F", "FALSE", "False"].includes(v)) return false;
  throw new ApiError("bad_data", `'${name}' parameter: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

function readOptions(form: URLSearchParams, backend: ApiBackend, signal: AbortSignal): ReadOptions {
  let timeoutMs: number | null = null;
  const to = form.get("timeout");
  if (to) {
    try {
      timeoutMs = parseDuration(to);
    } catch (e) {
      throw invalidParam("timeout", e);
    }
  }
  const replicaLabels = form.getAll("replicaLabels[]");
  let maxSourceResolution: number | "auto" = 0;
  const msr = form.get("max_source_resolution");
  if (msr === "auto") maxSourceResolution = "auto";
  else if (msr) {
    try {
      maxSourceResolution = parseDuration(msr);
    } catch (e) {
      throw new ApiError("bad_data", `'max_source_resolution' parameter: ${errMessage(e)}`);
    }
    if (maxSourceResolution < 0) throw new ApiError("bad_data", "negative 'max_source_resolution' is not accepted. Try a positive integer");
  }
  let lookbackDelta: number | null = null;
  const lb = form.get("lookback_delta");
  if (lb) {
    try {
      lookbackDelta = parseDuration(lb);
    } catch (e) {
      throw new ApiError("bad_data", `'lookback_delta' parameter: ${errMessage(e)}`);
    }
  }
  return {
    dedup: boolParam(form, "dedup", true),
    replicaLabels: replicaLabels.length ? replicaLabels : null,
    partialResponse: boolParam(form, "partial_response", backend.defaultPartialResponse),
    maxSourceResolution,
    lookbackDelta,
    timeoutMs,
    signal,
  };
}

// The client connection's signal: a client that goes away cancels the fan-out. (The
// `timeout` parameter travels in ReadOptions so the backend can report it as a timeout.)
function requestSignal(c: Context, _form: URLSearchParams): AbortSignal {
  return c.req.raw.signal;
}

// Prometheus wraps bad `match[]` values as `invalid parameter "match[]"` for /series only; the
// label endpoints and query_exemplars return the parser's message as is.
function matchersParam(form: URLSearchParams, required: boolean, features: FeatureFlags, wrapErrors = false): Matcher[][] {
  const raw = form.getAll("match[]");
  if (raw.length === 0 && required) throw new ApiError("bad_data", "no match[] parameter provided");
  return raw.map((s) => {
    try {
      return parseSelector(s, features);
    } catch (e) {
      if (wrapErrors) throw invalidParam("match[]", e);
      throw new ApiError("bad_data", errMessage(e));
    }
  });
}

function statsJson(r: { stats: { totalQueryableSamples: number; peakSamples: number } }, elapsedS: number): string {
  return JSON.stringify({
    timings: { evalTotalTime: elapsedS, resultSortTime: 0, queryPreparationTime: 0, innerEvalTime: elapsedS, execQueueTime: 0, execTotalTime: elapsedS },
    samples: { totalQueryableSamples: r.stats.totalQueryableSamples, peakSamples: r.stats.peakSamples },
  });
}

export function apiV1(backend: ApiBackend, features: FeatureFlags = defaultFeatures): Hono {
  const app = new Hono();

  const query: Handler = async (form, c) => {
    const t = timeParam(form, "time", Date.now());
    const signal = requestSignal(c, form);
    const opts = readOptions(form, backend, signal);
    const q = form.get("query") ?? "";
    let expr;
    try {
      expr = parseQuery(q, features);
    } catch (e) {
      throw invalidParam("query", e);
    }
    const started = performance.now();
    const res = await backend.instantQuery({ query: expr, options: opts, stats: !!form.get("stats") }, t);
    const st = form.get("stats") ? statsJson(res, (performance.now() - started) / 1000) : undefined;
    return successResponse(resultJson(res.value, st), res.warnings, res.infos);
  };

  const queryRange: Handler = async (form, c) => {
    const startRaw = form.get("start") ?? "";
    const endRaw = form.get("end") ?? "";
    let start: number, end: number, step: number;
    try {
      start = parseTime(startRaw);
    } catch (e) {
      throw invalidParam("start", e);
    }
    try {
      end = parseTime(endRaw);
    } catch (e) {
      throw invalidParam("end", e);
    }
    if (end < start) throw invalidParam("end", new Error("end timestamp must not be before start time"));
    try {
      step = parseDuration(form.get("step") ?? "");
    } catch (e) {
      throw invalidParam("step", e);
    }
    if (step <= 0) throw invalidParam("step", new Error("zero or negative query resolution step widths are not accepted. Try a positive integer"));
    if ((end - start) / step > MAX_POINTS) {
      throw new ApiError("bad_data", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
    }
    const signal = requestSignal(c, form);
    const opts = readOptions(form, backend, signal);
    let expr;
    try {
      expr = parseQuery(form.get("query") ?? "", features);
    } catch (e) {
      throw invalidParam("query", e);
    }
    const started = performance.now();
    const res = await backend.rangeQuery({ query: expr, options: opts, stats: !!form.get("stats") }, start, end, step);
    const st = form.get("stats") ? statsJson(res, (performance.now() - started) / 1000) : undefined;
    return successResponse(resultJson(res.value, st), res.warnings, res.infos);
  };

  const series: Handler = async (form, c) => {
    const ms = matchersParam(form, true, features, true);
    const start = timeParam(form, "start", MIN_TIME_MS);
    const end = timeParam(form, "end", MAX_TIME_MS);
    const limit = limitParam(form);
    const opts = readOptions(form, backend, requestSignal(c, form));
    const res = await backend.series(ms, start, end, opts, limit);
    let list = res.series;
    const warnings = [...res.warnings];
    if (limit > 0 && list.length > limit) {
      list = list.slice(0, limit);
      warnings.push("results truncated due to limit");
    }
    return successResponse("[" + list.map(labelsJson).join(",") + "]", warnings);
  };

  const labels: Handler = async (form, c) => {
    const ms = matchersParam(form, false, features);
    const start = timeParam(form, "start", MIN_TIME_MS);
    const end = timeParam(form, "end", MAX_TIME_MS);
    const limit = limitParam(form);
    const opts = readOptions(form, backend, requestSignal(c, form));
    const res = await backend.labelNames(ms, start, end, opts, limit);
    return limited(res.values, res.warnings, limit);
  };

  const labelValues: Handler = async (form, c) => {
    let name: string;
    try {
      name = decodeURIComponent(c.req.param("name") ?? "");
    } catch {
      name = ""; // not UTF-8: invalid, reported below
    }
    // Prometheus 3 escapes UTF-8 names in the path as `U__` + underscore-escaped code points.
    if (name.startsWith("U__")) name = unescapeUtf8Name(name.slice(3));
    if (!isValidLabelName(name)) throw new ApiError("bad_data", `invalid label name: ${JSON.stringify(c.req.param("name") ?? "")}`);
    const ms = matchersParam(form, false, features);
    const start = timeParam(form, "start", MIN_TIME_MS);
    const end = timeParam(form, "end", MAX_TIME_MS);
    const limit = limitParam(form);
    const opts = readOptions(form, backend, requestSignal(c, form));
    const res = await backend.labelValues(name, ms, start, end, opts, limit);
    return limited(res.values, res.warnings, limit);
  };

  const route = (path: string, h: Handler, methods: ("get" | "post")[] = ["get", "post"]) => {
    for (const m of methods) app[m](path, wrap(backend, h));
  };

  route("/query", query);
  route("/query_range", queryRange);
  route("/series", series);
  app.delete("/series", () => errorResponse("unavailable", "admin APIs disabled"));
  route("/labels", labels);
  route("/label/:name/values", labelValues, ["get"]);
  // Exemplars and metadata come from the endpoints serving thanos.Exemplars / thanos.Metadata
  // (see Querier); a backend without them (the all-in-one's local data) answers empty.
  route("/query_exemplars", async (form, c) => {
    const start = timeParam(form, "start", MIN_TIME_MS);
    const end = timeParam(form, "end", MAX_TIME_MS);
    if (end < start) throw new ApiError("bad_data", "end timestamp must not be before start timestamp");
    const q = form.get("query") ?? "";
    let expr;
    try {
      expr = parseQuery(q, features);
    } catch (e) {
      throw new ApiError("bad_data", errMessage(e));
    }
    // A query without series selectors (e.g. `1+1`) gets Prometheus's empty 204 answer.
    if (!extractSelectors(expr).length) return new Response(null, { status: 204 });
    if (!backend.exemplars) return successResponse("[]");
    const opts = readOptions(form, backend, requestSignal(c, form));
    const res = await retrieving("exemplars", c, () => backend.exemplars!(q, start, end, opts));
    return successResponse(exemplarsJson(res.data), res.warnings);
  });
  route("/metadata", async (form, c) => {
    const limit = intParam(form, "limit", -1);
    const limitPerMetric = intParam(form, "limit_per_metric", -1);
    if (!backend.metadata) return successResponse("{}");
    const opts = readOptions(form, backend, requestSignal(c, form));
    const res = await retrieving("metadata", c, () => backend.metadata!(form.get("metric") ?? "", limit, limitPerMetric, opts));
    return successResponse(metadataJson(res.data), res.warnings);
  }, ["get"]);
  route("/format_query", async (form) => {
    const q = form.get("query") ?? "";
    try {
      return successResponse(JSON.stringify(formatQuery(q, features)));
    } catch (e) {
      throw invalidParam("query", e);
    }
  });
  route("/parse_query", async (form) => {
    const q = form.get("query") ?? "";
    try {
      return successResponse(JSON.stringify(parseTreeJson(q, features)));
    } catch (e) {
      throw invalidParam("query", e);
    }
  });
  route("/status/buildinfo", async () =>
    successResponse(
      JSON.stringify({ version, revision, branch, buildUser: "aeon", buildDate: "", goVersion: `${runtimeName}${runtimeVersion()}` }),
    ), ["get"]);
  route("/status/flags", async () => successResponse(JSON.stringify(backend.flags)), ["get"]);
  route("/status/runtimeinfo", async () => {
    const mem = process.memoryUsage();
    return successResponse(
      JSON.stringify({
        startTime: backend.startTime.toISOString(),
        CWD: process.cwd(),
        reloadConfigSuccess: true,
        lastConfigTime: backend.startTime.toISOString(),
        corruptionCount: 0,
        goroutineCount: 0,
        GOMAXPROCS: 1,
        GOMEMLIMIT: 0,
        GOGC: "",
        GODEBUG: "",
        storageRetention: "",
        heapUsedBytes: mem.heapUsed,
        residentMemoryBytes: mem.rss,
      }),
    );
  }, ["get"]);
  route("/stores", async () => successResponse(JSON.stringify(backend.stores ? await backend.stores() : {})), ["get"]);
  app.notFound(() => errorResponse("not_found", "not found"));
  return app;
}

// Go's strconv.Atoi with Prometheus's "<name> must be a number" answer.
function intParam(form: URLSearchParams, name: string, dflt: number): number {
  const v = form.get(name);
  if (v === null || v === "") return dflt;
  const n = /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new ApiError("bad_data", `${name} must be a number`);
  return n;
}

// A failed fan-out is Thanos's internal error "retrieving <what>: …" (the client going away
// stays "canceled", handled by wrap()).
async function retrieving<T>(what: string, c: Context, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiError || c.req.raw.signal.aborted) throw e;
    throw new ApiError("internal", `retrieving ${what}: ${errMessage(e)}`);
  }
}

function limited(values: string[], warnings: string[], limit: number): Response {
  const w = [...warnings];
  let v = values;
  if (limit > 0 && v.length > limit) {
    v = v.slice(0, limit);
    w.push("results truncated due to limit");
  }
  return successResponse(JSON.stringify(v), w);
}

// Prometheus's UTF-8 label-name escaping in URL paths: `_` escapes as `__`, other characters
// outside [a-zA-Z0-9] as `_<hex code point>_`.
function unescapeUtf8Name(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== "_") {
      out += s[i];
      continue;
    }
    if (s[i + 1] === "_") {
      out += "_";
      i++;
      continue;
    }
    const end = s.indexOf("_", i + 1);
    if (end < 0) return "";
    const cp = /^[0-9a-fA-F]+$/.test(s.slice(i + 1, end)) ? parseInt(s.slice(i + 1, end), 16) : -1;
    if (cp < 0 || cp > 0x10ffff) return "";
    out += String.fromCodePoint(cp);
    i = end;
  }
  return out;
}
