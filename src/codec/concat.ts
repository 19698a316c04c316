// Joins byte pieces into one buffer. A single piece is returned as is (no copy); callers whose
// pieces are views they must not hand out copy that case themselves. `total` saves a pass when
// the caller already summed the lengths.
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  let n = total;
  if (n === undefined) {
    n = 0;
    for (const p of parts) n += p.length;
  }
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
