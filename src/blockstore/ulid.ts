// ULIDs name blocks. The first 10 of their 26 Crockford base32 characters are the creation time
// in milliseconds since the epoch; Thanos uses that time for the age of partial uploads and for
// the consistency delay, so Aeon needs to read it (and to make new IDs for blocks it writes).
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export function isUlid(s: string): boolean {
  return ULID_RE.test(s);
}

/** Milliseconds since the epoch encoded in a ULID; throws on anything that isn't a ULID. */
export function ulidTime(id: string): number {
  if (!isUlid(id)) throw new Error(`invalid ULID ${JSON.stringify(id)}`);
  let ms = 0;
  for (let i = 0; i < 10; i++) ms = ms * 32 + ALPHABET.indexOf(id[i]);
  return ms;
}

/** A new ULID for `timeMs` with 80 random bits. Not monotonic within one millisecond. */
export function newUlid(timeMs: number = Date.now(), random: Uint8Array = randomBytes(10)): string {
  if (!Number.isSafeInteger(timeMs) || timeMs < 0 || timeMs >= 2 ** 48) throw new RangeError(`ULID time out of range: ${timeMs}`);
  let out = "";
  let t = timeMs;
  for (let i = 9; i >= 0; i--) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  // 80 bits of randomness as 16 base32 characters, 5 bits at a time, most significant first.
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < 10; i++) {
    acc = (acc << 8) | random[i];
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}
