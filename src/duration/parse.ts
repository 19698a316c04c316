// Prometheus's model.ParseDuration (the rules and messages of Prometheus 2.42, which the newer
// parser keeps for every input listed in tests/duration): `<int><unit>` parts with units
// y w d h m s ms, each at most once and largest first; "0" alone needs no unit; no sign,
// no fraction, no spaces; the total must fit a Go time.Duration.
import { DURATION_UNITS, MAX_DURATION_MS } from "./units.ts";

export type DurationErrorReason = "empty" | "syntax" | "range";

export class DurationError extends Error {
  constructor(
    message: string,
    readonly reason: DurationErrorReason,
  ) {
    super(message);
    this.name = "DurationError";
  }
}

// One optional `(digits)unit` group a unit, in the only order allowed; "ms" after "m" cannot be
// mistaken because each group must be followed by the next unit's digits or the end.
const DURATION_RE = new RegExp(`^${DURATION_UNITS.map(([u]) => `(?:(\\d+)${u})?`).join("")}$`);

// True if `s` has the shape of a duration ("0", "5m", "1h30m"), whether or not it fits the range.
// Callers that must tell a duration from a number or a name before parsing use this.
export function isDurationSyntax(s: string): boolean {
  return s === "0" || (s !== "" && DURATION_RE.test(s));
}

// Milliseconds of a Prometheus duration, or a DurationError with Prometheus's message.
export function parseDuration(s: string): number {
  if (s === "0") return 0;
  if (s === "") throw new DurationError("empty duration string", "empty");
  const m = DURATION_RE.exec(s);
  if (!m) throw new DurationError(`not a valid duration string: ${JSON.stringify(s)}`, "syntax");
  let total = 0;
  for (let i = 0; i < DURATION_UNITS.length; i++) {
    const digits = m[i + 1];
    if (digits === undefined) continue;
    // Each part is checked on its own before summing, as Prometheus does, so a part too large
    // for a double's exact range is rejected before it can round; every sum of in-range parts
    // stays far below 2^53 and is exact.
    const part = Number(digits) * DURATION_UNITS[i][1];
    if (part > MAX_DURATION_MS) throw new DurationError("duration out of range", "range");
    total += part;
  }
  if (total > MAX_DURATION_MS) throw new DurationError("duration out of range", "range");
  return total;
}
