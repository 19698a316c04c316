// Numbers exactly as Prometheus (Go) prints them (durations: src/duration).

// Go's fmt %v for float64 (strconv 'g', shortest digits): exponent form when the decimal
// exponent is < -4 or >= 6 (shortest precision uses 6 for that decision), so 100000 but
// 1e+06 and 1.234567e+06; the exponent has at least two digits.
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [mant, expStr] = v.toExponential().split("e");
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" + e : e}`;
  }
  // Plain decimal with the shortest digits.
  const digits = mant.replace("-", "").replace(".", "");
  const neg = v < 0 ? "-" : "";
  if (exp >= 0) {
    const intPart = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    return neg + intPart + (frac ? "." + frac : "");
  }
  return neg + "0." + "0".repeat(-exp - 1) + digits;
}

// Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent.
export function formatPlainFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "+Inf" : "-Inf";
  if (Object.is(v, -0)) return "-0";
  const [mant, expStr] = v.toExponential().split("e");
  const exp = Number(expStr);
  const neg = v < 0 ? "-" : "";
  const digits = mant.replace("-", "").replace(".", "");
  if (exp >= 0) {
    const intPart = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    return neg + intPart + (frac ? "." + frac : "");
  }
  return neg + "0." + "0".repeat(-exp - 1) + digits;
}
