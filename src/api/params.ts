// Parameter parsing with Prometheus's rules and messages: times are RFC 3339 or float unix
// seconds; durations are Prometheus durations (`5m`, `1h30m`) or float seconds.
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

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

// Prometheus model.ParseDuration: units y w d h m s ms, each at most once, in that order.
export function parsePromDuration(s: string): number | null {
  if (s === "0") return 0;
  const re = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
  const m = re.exec(s);
  if (!m || s === "") return null;
  const units = ["y", "w", "d", "h", "m", "s", "ms"];
  let total = 0;
  for (let i = 0; i < units.length; i++) if (m[i + 1] !== undefined) total += Number(m[i + 1]) * UNIT_MS[units[i]];
  return total;
}

export function parseDuration(s: string): number {
  const trimmed = s.trim();
  if (trimmed !== "" && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    const ms = Number(trimmed) * 1000;
    if (!Number.isFinite(ms) || Math.abs(ms) > 9.223372036854776e15) throw new Error(`cannot parse ${JSON.stringify(s)} to a valid duration. It overflows int64`);
    return ms;
  }
  const d = parsePromDuration(s);
  if (d !== null) return d;
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
