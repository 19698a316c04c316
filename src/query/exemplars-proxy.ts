// The querier's thanos.Exemplars: parses the query into its series selectors and asks every
// endpoint whose Info advertises exemplars. Per endpoint, as Thanos does, matchers on its external
// labels are decided here (a set contradicting them is not sent; matching ones are dropped, since
// a Prometheus behind a sidecar stores no external labels) and the remaining sets are sent as a
// query of plain selectors. Answers are merged per series (no replica dedup: that is the HTTP
// API's choice, per request). Served over gRPC too, so queriers stack.
import { create } from "@bufbuild/protobuf";
import { ExemplarsRequestSchema, ExemplarsResponseSchema, type ExemplarData, type ExemplarsRequest, type ExemplarsResponse } from "../gen/thanos/exemplars/rpc_pb.ts";
import type { Labels, Matcher } from "../labels/index.ts";
import { defaultFeatures, type FeatureFlags } from "../promql/api.ts";
import { parse } from "../promql/parser/index.ts";
import { invalidArgument } from "../store/errors.ts";
import { hasExemplarsAPI, type ExemplarsAPI } from "../store/metadata-exemplars.ts";
import { endpointLabelSets } from "../store/proxy/index.ts";
import type { StoreCallOptions } from "../store/types.ts";
import { mergeExemplarData } from "./exemplars-merge.ts";
import { fanOut } from "./fanout.ts";
import type { FanOutProxyOptions } from "./metadata-proxy.ts";
import { extractSelectors, selectorText } from "../promql/selectors.ts";

export interface ExemplarsProxyOptions extends FanOutProxyOptions {
  features?: FeatureFlags;
}

export class ExemplarsProxy implements ExemplarsAPI {
  constructor(private readonly opts: ExemplarsProxyOptions) {}

  async *exemplars(req: ExemplarsRequest, opts?: StoreCallOptions): AsyncIterable<ExemplarsResponse> {
    let sets: Matcher[][];
    try {
      sets = extractSelectors(parse(req.query, { features: this.opts.features ?? defaultFeatures }));
    } catch (e) {
      throw invalidArgument((e as Error).message);
    }
    const targets = this.opts.endpoints().flatMap((ep) => {
      const client = ep.client;
      if (!ep.info?.exemplars || !hasExemplarsAPI(client)) return [];
      const query = endpointQuery(sets, endpointLabelSets(ep.info));
      if (query === undefined) return [];
      const sub = create(ExemplarsRequestSchema, { query, start: req.start, end: req.end, partialResponseStrategy: req.partialResponseStrategy });
      return [{ name: client.name, call: (o: StoreCallOptions) => client.exemplars(sub, o) }];
    });
    const { answers, errors } = await fanOut(targets, { strategy: req.partialResponseStrategy, endpointTimeoutMs: this.opts.endpointTimeoutMs, logger: this.opts.logger }, opts);
    const data: ExemplarData[] = [];
    const warnings = [...errors];
    for (const rs of answers) {
      for (const r of rs) {
        if (r.result.case === "data") data.push(r.result.value);
        else if (r.result.case === "warning") warnings.push(r.result.value);
      }
    }
    for (const w of warnings) yield create(ExemplarsResponseSchema, { result: { case: "warning", value: w } });
    for (const d of mergeExemplarData(data)) yield create(ExemplarsResponseSchema, { result: { case: "data", value: d } });
  }
}

// The query one endpoint gets: its relevant matcher sets, external-label matchers removed, as
// selectors joined by `or` (only the selectors matter). undefined when no set can match there.
export function endpointQuery(sets: readonly Matcher[][], labelSets: readonly Labels[]): string | undefined {
  const parts: string[] = [];
  for (const ms of sets) {
    const kept = stripExternal(ms, labelSets);
    if (kept) parts.push(selectorText(kept));
  }
  return parts.length ? parts.join(" or ") : undefined;
}

// undefined when no external label set is compatible with the matchers; otherwise the matchers
// minus those on a label every compatible set has (they are satisfied by it).
function stripExternal(ms: readonly Matcher[], labelSets: readonly Labels[]): Matcher[] | undefined {
  if (!labelSets.length) return [...ms];
  const compatible = labelSets.filter((ls) => ms.every((m) => {
    const l = ls.find((x) => x.name === m.name);
    return l === undefined || m.matches(l.value);
  }));
  if (!compatible.length) return undefined;
  return ms.filter((m) => !compatible.every((ls) => ls.some((l) => l.name === m.name)));
}
