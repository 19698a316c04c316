// Text formatting for the bucket tools: Go's time.Duration.String(), RFC 3339 times, Thanos's
// inspect date layout, thousands separators, byte sizes and a plain aligned table.

// Go's time.Duration.String() for a whole number of milliseconds: "2h0m0s", "1.5s", "500ms",
// "0s", "-38h0m0s" (Thanos prints RANGE / UNTIL-DOWN / RESOLUTION this way).
export function goDuration(ms: number): string {
  if (ms === 0) return "0s";
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out: string;
  if (rest < 1000) out = `${rest}ms`;
  else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    const s = Math.floor(rest / 1000);
    const frac = rest - s * 1000;
    const sec = frac ? `${s}.${String(frac).padStart(3, "0").replace(/0+$/, "")}s` : `${s}s`;
    out = h ? `${h}h${m}m${sec}` : m ? `${m}m${sec}` : sec;
  }
  return neg ? "-" + out : out;
}

// RFC 3339 in UTC, milliseconds only when present: 2023-11-14T22:13:20Z.
export function rfc3339(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(ms);
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

// Thanos inspect's FROM/UNTIL layout (Go "02-01-2006 15:04:05"), here always in UTC.
export function thanosDate(ms: number): string {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return String(ms);
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}-${p(d.getUTCMonth() + 1)}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

// 1234567 -> "1,234,567" (Thanos prints counts with an English number printer).
export function thousands(n: number | undefined): string {
  if (n === undefined) return "-";
  const s = String(Math.trunc(Math.abs(n)));
  const grouped = s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return n < 0 ? "-" + grouped : grouped;
}

export function humanBytes(n: number | undefined): string {
  if (n === undefined) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n}B` : `${v.toFixed(2)}${units[u]}`;
}

// "k=v,k2=v2" with keys sorted, as Thanos's inspect LABELS column.
export function labelsText(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
}

// Columns padded to their widest cell, separated by two spaces; the last column is not padded.
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

// CSV (RFC 4180 quoting) or TSV (tabs and newlines in cells replaced by spaces).
export function renderDelimited(header: readonly string[], rows: readonly (readonly string[])[], sep: "," | "\t"): string {
  const cell = (c: string) => {
    if (sep === "\t") return c.replace(/[\t\n\r]/g, " ");
    return /[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c;
  };
  return [header, ...rows].map((r) => r.map(cell).join(sep)).join("\n") + "\n";
}
