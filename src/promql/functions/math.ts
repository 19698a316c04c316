// Element-wise math on instant vectors: f(value[, scalar args...]) -> value.
export type ElemFn = (v: number, args: number[]) => number;

// Go's math.Round: half away from zero.
function goRound(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(Math.abs(x));
  const t = Math.abs(x) - Math.floor(Math.abs(x)) === 0.5 ? Math.floor(Math.abs(x)) + 1 : r;
  return x < 0 ? -t : t;
}

function sgn(v: number): number {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v; // 0, -0 and NaN stay
}

export const elemFns: Record<string, ElemFn> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  sqrt: Math.sqrt,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sgn,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  deg: (v) => (v * 180) / Math.PI,
  rad: (v) => (v * Math.PI) / 180,
  // round(v, to_nearest=1): Prometheus rounds v/to_nearest half up: floor(v*inv + 0.5)/inv.
  round: (v, a) => {
    const toNearest = a.length > 0 ? a[0] : 1;
    const inv = 1 / toNearest;
    return Math.floor(v * inv + 0.5) / inv;
  },
  clamp: (v, a) => Math.max(a[0], Math.min(a[1], v)),
  clamp_min: (v, a) => Math.max(a[0], v),
  clamp_max: (v, a) => Math.min(a[0], v),
};

export { goRound };
