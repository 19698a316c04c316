// Literal syntax shared by the parser and the test-script reader: Go-style string unquoting,
// Prometheus durations, Go number syntax, and `line:col` positions.

import { DurationError, isDurationSyntax, parseDuration } from "../../duration/index.ts";

export class LexicalError extends Error {
  constructor(
    message: string,
    // True for a well-formed literal whose value does not fit (a duration over ~292 years):
    // Prometheus reports those with their own message rather than as bad syntax.
    readonly outOfRange = false,
  ) {
    super(message);
  }
}

// Unquotes a PromQL string literal ("…", '…' or `…`) like Go's strconv.Unquote (as used by
// Prometheus's strutil.Unquote). `\x` and octal escapes produce raw bytes; bytes that do not
// form valid UTF-8 are kept as lone surrogates U+DC80..U+DCFF ("surrogate escape") so that
// label-name validation can reject them and goQuote can print them back as `\xNN`.
export function unquoteString(lit: string): string {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q) throw new LexicalError("invalid syntax");
  const body = lit.slice(1, -1);
  if (q === "`") {
    if (body.includes("`")) throw new LexicalError("invalid syntax");
    return body.replaceAll("\r", "");
  }
  if (q !== '"' && q !== "'") throw new LexicalError("invalid syntax");
  if (!body.includes("\\")) {
    if (body.includes(q) || body.includes("\n")) throw new LexicalError("invalid syntax");
    return body;
  }
  const bytes: number[] = [];
  const enc = new TextEncoder();
  const pushStr = (s: string) => {
    for (const b of enc.encode(s)) bytes.push(b);
  };
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c === q || c === "\n") throw new LexicalError("invalid syntax");
    if (c !== "\\") {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      pushStr(ch);
      i += ch.length;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    switch (e) {
      case "a": bytes.push(7); break;
      case "b": bytes.push(8); break;
      case "f": bytes.push(12); break;
      case "n": bytes.push(10); break;
      case "r": bytes.push(13); break;
      case "t": bytes.push(9); break;
      case "v": bytes.push(11); break;
      case "\\": bytes.push(92); break;
      case "'":
      case '"':
        if (e !== q) throw new LexicalError("invalid syntax");
        bytes.push(e.charCodeAt(0));
        break;
      case "x": {
        const h = body.slice(i, i + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(h)) throw new LexicalError("invalid syntax");
        bytes.push(parseInt(h, 16));
        i += 2;
        break;
      }
      case "u":
      case "U": {
        const n = e === "u" ? 4 : 8;
        const h = body.slice(i, i + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) throw new LexicalError("invalid syntax");
        const cp = parseInt(h, 16);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) throw new LexicalError("invalid syntax");
        pushStr(String.fromCodePoint(cp));
        i += n;
        break;
      }
      default: {
        if (e !== undefined && e >= "0" && e <= "7") {
          const o = body.slice(i - 1, i + 2);
          if (!/^[0-7]{3}$/.test(o)) throw new LexicalError("invalid syntax");
          const v = parseInt(o, 8);
          if (v > 255) throw new LexicalError("invalid syntax");
          bytes.push(v);
          i += 2;
          break;
        }
        throw new LexicalError("invalid syntax");
      }
    }
  }
  return decodeUtf8Lossless(Uint8Array.from(bytes));
}

// UTF-8 decoding that keeps invalid bytes as U+DC80+byte instead of replacing them.
export function decodeUtf8Lossless(b: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b);
  } catch {
    let out = "";
    for (let i = 0; i < b.length; ) {
      const n = utf8SeqLen(b, i);
      if (n === 0) {
        out += String.fromCharCode(0xdc00 + b[i]);
        i++;
      } else {
        out += new TextDecoder().decode(b.subarray(i, i + n));
        i += n;
      }
    }
    return out;
  }
}

function utf8SeqLen(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n === 0 || i + n > b.length) return 0;
  for (let k = 1; k < n; k++) if ((b[i + k] & 0xc0) !== 0x80) return 0;
  if (c === 0xe0 && b[i + 1] < 0xa0) return 0;
  if (c === 0xed && b[i + 1] > 0x9f) return 0;
  if (c === 0xf0 && b[i + 1] < 0x90) return 0;
  if (c === 0xf4 && b[i + 1] > 0x8f) return 0;
  return n;
}

// Prometheus's model.ParseDuration (src/duration) in milliseconds, failing with a LexicalError
// that carries Prometheus's own message ("not a valid duration string: …", "duration out of
// range") so the parser and the test-script reader can report it like promtool does.
export function parseDurationMs(s: string): number {
  try {
    return parseDuration(s);
  } catch (e) {
    if (e instanceof DurationError) throw new LexicalError(e.message, e.reason === "range");
    throw e;
  }
}

export function isDurationLiteral(s: string): boolean {
  return /[a-z]$/i.test(s) && isDurationSyntax(s);
}

// A PromQL number as Go parses it: ParseInt(s, 0, 64) first (hex, octal, binary, `_`
// separators), then ParseFloat (decimal and hex floats, Inf, NaN).
export function parseNumber(s: string): number {
  const t = s.toLowerCase();
  if (t === "inf" || t === "+inf") return Infinity;
  if (t === "-inf") return -Infinity;
  if (t === "nan" || t === "+nan" || t === "-nan") return NaN;
  let sign = 1;
  let u = t;
  if (u[0] === "+" || u[0] === "-") {
    if (u[0] === "-") sign = -1;
    u = u.slice(1);
  }
  if (/^0x[0-9a-f_]+$/.test(u)) return sign * Number("0x" + u.slice(2).replaceAll("_", ""));
  if (/^0o[0-7_]+$/.test(u)) return sign * Number("0o" + u.slice(2).replaceAll("_", ""));
  if (/^0b[01_]+$/.test(u)) return sign * Number("0b" + u.slice(2).replaceAll("_", ""));
  if (/^0[0-7_]+$/.test(u)) return sign * parseInt(u.replaceAll("_", ""), 8);
  const plain = u.replaceAll("_", "");
  if (/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(plain)) return sign * Number(plain);
  throw new LexicalError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
}

// `line:col` (1-based line, 1-based column in bytes... Prometheus counts bytes; we count UTF-16
// units, identical for ASCII queries) of a character offset, as Prometheus prints positions.
export function lineCol(input: string, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < input.length; i++) {
    if (input[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${pos - lineStart + 1}`;
}
