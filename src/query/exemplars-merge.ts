// Merging exemplars from several endpoints. Series are keyed by their labels with replica labels
// removed and come out sorted by them (as Thanos's querier does). When several series collapse into
// one - replicas of the same Prometheus - the exemplars of one of them are kept, the one whose
// full label set sorts first (as Thanos keeps the first after sorting): replicas scrape at
// different times, so their exemplars rarely coincide and a union would show each one twice.
// The same series arriving several times (identical full labels) is unioned, duplicates dropped.
// Exemplars within a series are ordered by timestamp, then labels, then value.
import { create } from "@bufbuild/protobuf";
import { ExemplarDataSchema, type Exemplar, type ExemplarData } from "../gen/thanos/exemplars/rpc_pb.ts";
import { LabelSchema, LabelSetSchema } from "../gen/thanos/store/types_pb.ts";
import { compareLabels, compareStrings, labelsKey, type Label } from "../labels/index.ts";

interface Member {
  full: Label[];
  exemplars: Exemplar[];
}

export function mergeExemplarData(data: readonly ExemplarData[], replicaLabels: ReadonlySet<string> = new Set()): ExemplarData[] {
  const groups = new Map<string, { labels: Label[]; members: Member[] }>();
  for (const d of data) {
    const full = (d.seriesLabels?.labels ?? []).map((l) => ({ name: l.name, value: l.value })).sort((a, b) => compareStrings(a.name, b.name));
    const labels = full.filter((l) => !replicaLabels.has(l.name));
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels, members: [] }));
    g.members.push({ full, exemplars: d.exemplars });
  }
  const out: ExemplarData[] = [];
  for (const g of groups.values()) {
    let first = g.members[0].full;
    for (const m of g.members) if (compareLabels(m.full, first) < 0) first = m.full;
    const seen = new Set<string>();
    const exemplars: Exemplar[] = [];
    for (const m of g.members) {
      if (compareLabels(m.full, first) !== 0) continue;
      for (const e of m.exemplars) {
        const k = exemplarKey(e);
        if (seen.has(k)) continue;
        seen.add(k);
        exemplars.push(e);
      }
    }
    exemplars.sort(compareExemplars);
    out.push(
      create(ExemplarDataSchema, {
        seriesLabels: create(LabelSetSchema, { labels: g.labels.map((l) => create(LabelSchema, l)) }),
        exemplars,
      }),
    );
  }
  return out.sort((a, b) => compareLabels(a.seriesLabels!.labels, b.seriesLabels!.labels));
}

function sortedLabels(e: Exemplar): Label[] {
  return (e.labels?.labels ?? []).map((l) => ({ name: l.name, value: l.value })).sort((a, b) => compareStrings(a.name, b.name));
}

function exemplarKey(e: Exemplar): string {
  // Object.is semantics for the value: NaN equals NaN, 0 and -0 differ (distinct float bits).
  const v = Number.isNaN(e.value) ? "NaN" : Object.is(e.value, -0) ? "-0" : String(e.value);
  return `${e.ts}\u0000${v}\u0000${labelsKey(sortedLabels(e))}`;
}

export function compareExemplars(a: Exemplar, b: Exemplar): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  const c = compareLabels(sortedLabels(a), sortedLabels(b));
  if (c !== 0) return c;
  if (a.value === b.value) return 0;
  if (Number.isNaN(a.value)) return Number.isNaN(b.value) ? 0 : -1;
  if (Number.isNaN(b.value)) return 1;
  return a.value < b.value ? -1 : 1;
}
