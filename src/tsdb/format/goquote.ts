// Go's strconv.Quote, and Prometheus's labels.Labels.String() built on it: what promtool
// prints for label values. Printable runes (Go's unicode.IsPrint: letters, marks, numbers,
// punctuation, symbols, and the ASCII space) stay as they are; the rest are escaped.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

const SHORT: Record<number, string> = { 7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v" };

export function formatGoQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (SHORT[c]) out += SHORT[c];
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else if (c >= 0xd800 && c <= 0xdfff) out += "\ufffd"; // lone surrogate: as UTF-8 it becomes U+FFFD
    else if (PRINTABLE.test(ch)) out += ch;
    else if (c < 0x10000) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += "\\U" + c.toString(16).padStart(8, "0");
  }
  return out + '"';
}

// `{__name__="m", a="b"}`: labels in the given (sorted) order, ", " between pairs.
export function formatLabelsGo(labels: readonly { name: string; value: string }[]): string {
  let s = "{";
  for (let i = 0; i < labels.length; i++) {
    if (i > 0) s += ", ";
    s += labels[i].name + "=" + formatGoQuote(labels[i].value);
  }
  return s + "}";
}
