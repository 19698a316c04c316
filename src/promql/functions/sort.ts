// sort, sort_desc, sort_by_label(_desc): only an instant query's result order changes.
import type { Labels } from "../../labels/labels.ts";
import { compareLabels } from "../../labels/labels.ts";
import type { StepSeries } from "../engine/series.ts";

export function sortByValue(series: StepSeries[], desc: boolean): StepSeries[] {
  return series.slice().sort((a, b) => {
    const va = a.vals[0];
    const vb = b.vals[0];
    if (va !== va) return vb !== vb ? 0 : 1;
    if (vb !== vb) return -1;
    return desc ? vb - va : va - vb;
  });
}

// Natural order: runs of digits compare by numeric value, everything else byte-wise.
export function naturalCompare(a: string, b: string): number {
  const re = /(\d+|\D+)/g;
  const xa = a.match(re) ?? [];
  const xb = b.match(re) ?? [];
  const n = Math.min(xa.length, xb.length);
  for (let i = 0; i < n; i++) {
    const pa = xa[i];
    const pb = xb[i];
    if (pa === pb) continue;
    const da = /^\d/.test(pa);
    const db = /^\d/.test(pb);
    if (da && db) {
      const na = pa.replace(/^0+/, "");
      const nb = pb.replace(/^0+/, "");
      if (na.length !== nb.length) return na.length - nb.length;
      if (na !== nb) return na < nb ? -1 : 1;
      continue;
    }
    return pa < pb ? -1 : 1;
  }
  return xa.length - xb.length;
}

function get(ls: Labels, name: string): string {
  return ls.find((l) => l.name === name)?.value ?? "";
}

export function sortByLabel(series: StepSeries[], names: string[], desc: boolean): StepSeries[] {
  return series.slice().sort((a, b) => {
    for (const n of names) {
      const c = naturalCompare(get(a.metric, n), get(b.metric, n));
      if (c !== 0) return desc ? -c : c;
    }
    const c = compareLabels(a.metric, b.metric);
    return desc ? -c : c;
  });
}
