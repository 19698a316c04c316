// Min-heap of stream heads ordered by label set, ties by stream index (keeps merge deterministic).
import type { Series } from "../../gen/thanos/store/types_pb.ts";
import { compareLabels } from "../../labels/index.ts";

export interface Head {
  series: Series;
  stream: number;
}

function less(a: Head, b: Head): boolean {
  const c = compareLabels(a.series.labels, b.series.labels);
  return c < 0 || (c === 0 && a.stream < b.stream);
}

export class SeriesHeap {
  private readonly h: Head[] = [];

  get size(): number {
    return this.h.length;
  }

  peek(): Head | undefined {
    return this.h[0];
  }

  push(x: Head): void {
    const h = this.h;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  pop(): Head | undefined {
    const h = this.h;
    if (h.length === 0) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l], h[m])) m = l;
        if (r < h.length && less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
