// Which downsampled aggregate serves a query, chosen from the PromQL function that wraps the
// selector, as Thanos's querier does (thanos-facts §5, aggrsFromFunc).
import { Aggr } from "../gen/thanos/store/rpc_pb.ts";

export type AggrChoice = "counter" | "min" | "max" | "count" | "sum" | "avg";

const COUNTER_FUNCS = new Set(["rate", "increase", "irate", "resets", "xrate", "xincrease"]);

export function aggrForFunc(func: string | undefined): AggrChoice {
  const f = func ?? "";
  if (COUNTER_FUNCS.has(f)) return "counter";
  if (f === "min" || f.startsWith("min_")) return "min";
  if (f === "max" || f.startsWith("max_")) return "max";
  if (f === "count" || f.startsWith("count_")) return "count";
  if (f.startsWith("sum_")) return "sum";
  return "avg";
}

// Whether replica dedup must avoid fake counter resets when switching replicas.
export function isCounterFunc(func: string | undefined): boolean {
  return COUNTER_FUNCS.has(func ?? "");
}

export function aggrsToRequest(choice: AggrChoice): Aggr[] {
  switch (choice) {
    case "counter":
      return [Aggr.COUNTER];
    case "min":
      return [Aggr.MIN];
    case "max":
      return [Aggr.MAX];
    case "count":
      return [Aggr.COUNT];
    case "sum":
      return [Aggr.SUM];
    case "avg":
      return [Aggr.COUNT, Aggr.SUM];
  }
}
