// A label set: pairs sorted by name, names unique. Plain objects rather than a flat array so
// the shape matches StoreAPI/remote-write Label messages and JSON output with no conversion.
export interface Label {
  name: string;
  value: string;
}
export type Labels = readonly Label[];

export const METRIC_NAME = "__name__";

export function compareStrings(a: string, b: string): number {
  // Go compares strings byte-wise (UTF-8); for strings without surrogate pairs JS's UTF-16
  // code-unit order is the same. Fall back to a byte comparison only when it could differ.
  if (a === b) return 0;
  // Scan to the first differing code unit (no regex over both strings: this runs for every
  // comparison of every merge and sort). Equal prefixes encode to equal UTF-8 bytes; below
  // U+D800 code-unit order is code-point order is UTF-8 byte order.
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 || y >= 0xd800) return compareUtf8(a, b);
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : 1;
}

const enc = new TextEncoder();
function compareUtf8(a: string, b: string): number {
  return compareBytes(enc.encode(a), enc.encode(b));
}

// Byte-wise order of two byte strings (Go's bytes.Compare; for UTF-8, code-point order).
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

// Prometheus orders label sets pair by pair: name first, then value; a prefix sorts first.
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareStrings(a[i].name, b[i].name) || compareStrings(a[i].value, b[i].value);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

export function sortLabels(ls: Label[]): Label[] {
  return ls.sort((x, y) => compareStrings(x.name, y.name));
}

// `ls` (sorted by name) with the external labels `ext` (sorted by name) set, overriding
// same-named labels, then the names in `drop` (replica labels) removed: how a store presents a
// series. One merge, no sort; label objects are shared, not copied, and the result has exact
// capacity, since stores hold the result of every selected series until it is streamed.
export function withExternalLabels(ls: readonly Label[], ext: readonly Label[], drop: ReadonlySet<string>): Label[] {
  const out: Label[] = [];
  let i = 0;
  let j = 0;
  while (i < ls.length || j < ext.length) {
    let l: Label;
    if (j >= ext.length) l = ls[i++];
    else if (i >= ls.length) l = ext[j++];
    else {
      const c = compareStrings(ls[i].name, ext[j].name);
      if (c < 0) l = ls[i++];
      else {
        if (c === 0) i++; // the external label wins
        l = ext[j++];
      }
    }
    if (drop.size === 0 || !drop.has(l.name)) out.push(l);
  }
  // A copy of exact capacity (an array grown by push keeps spare slots); `out` dies young.
  return out.slice();
}

export function fromRecord(rec: Record<string, string>): Label[] {
  return sortLabels(Object.entries(rec).map(([name, value]) => ({ name, value })));
}

export function toRecord(ls: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of ls) out[l.name] = l.value;
  return out;
}

export function getLabel(ls: Labels, name: string): string {
  for (const l of ls) if (l.name === name) return l.value;
  return "";
}

export function hasLabel(ls: Labels, name: string): boolean {
  for (const l of ls) if (l.name === name) return true;
  return false;
}

// A string key unique per label set, for maps and grouping. \xff never occurs in valid UTF-8
// text, so it cannot make two different sets collide.
export function labelsKey(ls: Labels): string {
  let s = "";
  for (const l of ls) s += l.name + "\xff" + l.value + "\xff";
  return s;
}

export function labelsEqual(a: Labels, b: Labels): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].name !== b[i].name || a[i].value !== b[i].value) return false;
  return true;
}

// `{a="b", c="d"}` as Prometheus prints label sets (Go %q quoting of values).
export function formatLabels(ls: Labels): string {
  return "{" + ls.map((l) => `${l.name}=${goQuote(l.value)}`).join(", ") + "}";
}

export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + '"';
}

const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LEGACY_METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const isLegacyLabelName = (s: string): boolean => LEGACY_NAME.test(s);
export const isLegacyMetricName = (s: string): boolean => LEGACY_METRIC.test(s);

// Prometheus 3 accepts any valid UTF-8 label name (non-empty).
export function isValidLabelName(s: string): boolean {
  return s.length > 0 && isWellFormedUtf16(s);
}

export function isWellFormedUtf16(s: string): boolean {
  const f = (s as unknown as { isWellFormed?: () => boolean }).isWellFormed;
  if (f) return f.call(s);
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?:[^\ud800-\udbff]|^)[\udc00-\udfff]/.test(s);
}
