// Parameter parsing with Prometheus's rules and messages: times are RFC 3339 or float unix
// seconds; durations are Prometheus durations (`5m`, `1h30m`) or float seconds.
import { DurationError, parseDuration as parsePromDuration } from "../duration/index.ts";

export const MIN_TIME_MS = -9223372036854776; // Prometheus MinTime (math.MinInt64/2 ms), rounded to a double
export const MAX_TIME_MS = 9223372036854776;
const MIN_TIME_FORMATTED = "-292273086-05-16T16:47:06Z";
const MAX_TIME_FORMATTED = "292277025-08-18T07:12:54.999999999Z";

export function parseTime(s: string): number {
  const trimmed = s.trim();
  if (trimmed !== "" && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(Inf|inf|NaN)$/.test(trimmed)) {
    const f = Number(trimmed);
    if (Number.isFinite(f)) {
      const sec = Math.trunc(f);
      const frac = Math.round((f - sec) * 1000) / 1000;
      return sec * 1000 + Math.round(frac * 1000);
    }
  }
  if (RFC3339.test(s)) {
    const ms = Date.parse(s);
    if (!Number.isNaN(ms)) return ms;
  }
  if (s === MIN_TIME_FORMATTED) return MIN_TIME_MS;
  if (s === MAX_TIME_FORMATTED) return MAX_TIME_MS;
  throw new Error(`cannot parse ${JSON.stringify(s)} to a valid timestamp`);
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

// An API duration parameter: float seconds ("15", "1.5", "1e3") or a Prometheus duration.
export function parseDuration(s: string): number {
  const trimmed = s.trim();
  if (trimmed !== "" && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    const seconds = Number(trimmed);
    // Go converts to int64 nanoseconds: more than 2^63 ns (~292 years) overflows.
    if (!Number.isFinite(seconds) || Math.abs(seconds * 1e9) > 2 ** 63) throw new Error(`cannot parse ${JSON.stringify(s)} to a valid duration. It overflows int64`);
    return seconds * 1000;
  }
  // Prometheus drops model.ParseDuration's own reason and answers with one message for all.
  try {
    return parsePromDuration(s);
  } catch (e) {
    if (!(e instanceof DurationError)) throw e;
  }
  throw new Error(`cannot parse ${JSON.stringify(s)} to a valid duration`);
}

// Reads GET query parameters and, for form POSTs, the url-encoded body, like Go's r.Form.
export async function formValues(req: Request): Promise<URLSearchParams> {
  const url = new URL(req.url);
  const params = new URLSearchParams(url.search);
  if (req.method === "POST") {
    const ct = req.headers.get("content-type") ?? "";
    if (ct.includes("application/x-www-form-urlencoded")) {
      const body = new URLSearchParams(await req.text());
      // Go's r.Form puts body values before URL values.
      const merged = new URLSearchParams();
      for (const [k, v] of body) merged.append(k, v);
      for (const [k, v] of params) merged.append(k, v);
      return merged;
    }
    if (ct.includes("multipart/form-data")) {
      const fd = await req.formData();
      const merged = new URLSearchParams();
      fd.forEach((v, k) => {
        if (typeof v === "string") merged.append(k, v);
      });
      for (const [k, v] of params) merged.append(k, v);
      return merged;
    }
  }
  return params;
}
