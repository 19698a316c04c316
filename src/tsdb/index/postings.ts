// Operations on postings lists: sorted, duplicate-free Uint32Arrays of series refs.
export const EMPTY_POSTINGS = new Uint32Array(0);

export function intersectPostings(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0 || b.length === 0) return EMPTY_POSTINGS;
  if (a.length > b.length) [a, b] = [b, a];
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length && j < b.length; i++) {
    const v = a[i];
    if (b[j] < v) {
      // Gallop when the lists differ a lot in size.
      let step = 1;
      while (j + step < b.length && b[j + step] < v) step *= 2;
      let lo = j + (step >> 1);
      let hi = Math.min(j + step, b.length);
      while (lo < hi) {
        const m = (lo + hi) >>> 1;
        if (b[m] < v) lo = m + 1;
        else hi = m;
      }
      j = lo;
    }
    if (j < b.length && b[j] === v) out[n++] = v;
  }
  return out.subarray(0, n);
}

export function intersectAll(lists: Uint32Array[]): Uint32Array {
  if (lists.length === 0) return EMPTY_POSTINGS;
  const sorted = [...lists].sort((x, y) => x.length - y.length);
  let acc = sorted[0];
  for (let i = 1; i < sorted.length && acc.length > 0; i++) acc = intersectPostings(acc, sorted[i]);
  return acc;
}

export function unionPostings(lists: Uint32Array[]): Uint32Array {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return EMPTY_POSTINGS;
  if (nonEmpty.length === 1) return nonEmpty[0];
  let total = 0;
  for (const l of nonEmpty) total += l.length;
  const all = new Uint32Array(total);
  let o = 0;
  for (const l of nonEmpty) {
    all.set(l, o);
    o += l.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i];
  return all.subarray(0, n);
}

// Elements of a not in b.
export function subtractPostings(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0 || b.length === 0) return a;
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    while (j < b.length && b[j] < v) j++;
    if (j < b.length && b[j] === v) continue;
    out[n++] = v;
  }
  return out.subarray(0, n);
}
