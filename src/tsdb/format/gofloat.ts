// Go's strconv.FormatFloat(v, 'g', -1, 64), i.e. fmt's `%g` for a float64: the shortest
// decimal that round-trips; exponent form when the decimal exponent is < -4 or >= 6 (strconv
// fixes the %e/%f threshold at 6 when the precision is "shortest"), exponent at least 2 digits.
//   115428 -> "115428", 1e6 -> "1e+06", 2700461893 -> "2.700461893e+09", 1e-5 -> "1e-05",
//   0.0001 -> "0.0001", NaN -> "NaN", ±Inf -> "+Inf"/"-Inf", -0 -> "-0".
// JS's Number#toExponential() without an argument yields the same shortest round-trip digits
// (both pick the closest of the shortest candidates), so only the layout differs.
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const neg = v < 0;
  const e = Math.abs(v).toExponential(); // "d.ddde+X" or "de-X"
  const ePos = e.indexOf("e");
  const digits = e.slice(0, ePos).replace(".", "");
  const exp = Number(e.slice(ePos + 1));
  let out: string;
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    const ae = Math.abs(exp);
    out = mant + "e" + (exp < 0 ? "-" : "+") + (ae < 10 ? "0" + ae : String(ae));
  } else if (exp < 0) {
    out = "0." + "0".repeat(-exp - 1) + digits;
  } else if (digits.length <= exp + 1) {
    out = digits + "0".repeat(exp + 1 - digits.length);
  } else {
    out = digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
  }
  return neg ? "-" + out : out;
}
