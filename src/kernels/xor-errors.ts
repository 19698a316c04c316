// Errors of the XOR (Gorilla) chunk codec, shared by the TypeScript reference and the WASM
// kernels: the kernels return these negative codes, the wrappers turn them into XorError, so a
// caller sees the same error whichever implementation decoded the chunk.

export const XOR_ERR_TRUNCATED = -1; // the bit stream ends before the header's sample count
export const XOR_ERR_VARINT = -2; // a varint longer than 64 bits
export const XOR_ERR_WINDOW = -3; // leading zeros + significant bits > 64 (never written by Prometheus)
export const XOR_ERR_TIMESTAMP = -4; // a timestamp outside ±2^52 ms (not exact as a JS number downstream)
export const XOR_ERR_TRAILING = -5; // bytes or non-zero padding bits after the last sample
export const XOR_ERR_CAPACITY = -6; // output arrays too small (wrapper bug or wrong count)
export const XOR_ERR_INPUT = -7; // encoder input invalid (count, non-integer or out-of-range timestamp)

// Timestamps are milliseconds held as JS numbers (f64). The codec accepts |t| < 2^52 so that
// every delta and delta-of-delta the decoder forms stays an exact integer in f64 as well as in
// i64: 2^52 ms is about 142,000 years, far beyond any real Prometheus timestamp.
export const XOR_TS_LIMIT = 2 ** 52;

// Samples per chunk: the header holds the count as a big-endian uint16.
export const XOR_MAX_SAMPLES = 65535;

const messages: Record<number, string> = {
  [XOR_ERR_TRUNCATED]: "chunk truncated: bit stream ends before the last sample",
  [XOR_ERR_VARINT]: "varint overflows 64 bits",
  [XOR_ERR_WINDOW]: "invalid XOR window: leading zeros + significant bits exceed 64",
  [XOR_ERR_TIMESTAMP]: "timestamp outside ±2^52 ms",
  [XOR_ERR_TRAILING]: "unexpected data after the last sample",
  [XOR_ERR_CAPACITY]: "output buffer too small",
  [XOR_ERR_INPUT]: "invalid encoder input",
};

export class XorError extends Error {
  readonly code: number;
  constructor(code: number, detail?: string) {
    const base = messages[code] ?? `XOR codec error ${code}`;
    super(detail ? `xor chunk: ${base} (${detail})` : `xor chunk: ${base}`);
    this.name = "XorError";
    this.code = code;
  }
}

export interface XorDecodeOptions {
  // Reject chunks with anything but Go's zero padding (at most 8 bits) after the last sample:
  // catches a sample count that disagrees with the stream. Off by default because Prometheus's
  // reader ignores trailing data, and a head chunk streamed by remote read while Prometheus
  // appends to it can legitimately carry bits of a sample its count does not include yet.
  // Use it for data whose writer is known to be finished (block files, tests, verification).
  strict?: boolean;
}

// The stale marker Prometheus writes when a series disappears: a NaN with a specific payload.
// Compare bit patterns, never values (NaN !== NaN, and JavaScriptCore canonicalises NaN payloads
// whenever a NaN passes through a JS number — read and write it through Uint32Array views).
export const STALE_NAN_HI = 0x7ff00000;
export const STALE_NAN_LO = 0x00000002;
