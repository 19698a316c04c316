// ULIDs as Prometheus/Thanos name blocks: 48-bit millisecond timestamp + 80 random bits,
// Crockford base32 (26 chars). Monotonic within a process: a second ULID in the same
// millisecond increments the previous random part, so IDs made in a row sort in order.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

let lastTime = -1;
let lastRandom: Uint8Array = new Uint8Array(10);

export class UlidError extends Error {}

export function ulid(timeMs: number = Date.now()): string {
  if (!Number.isInteger(timeMs) || timeMs < 0 || timeMs > 2 ** 48 - 1) throw new UlidError(`ulid: bad time ${timeMs}`);
  let rnd: Uint8Array;
  if (timeMs === lastTime) {
    rnd = lastRandom.slice();
    let i = 9;
    while (i >= 0 && rnd[i] === 0xff) rnd[i--] = 0;
    if (i < 0) throw new UlidError("ulid: random part overflow within one millisecond");
    rnd[i]++;
  } else {
    rnd = new Uint8Array(10);
    crypto.getRandomValues(rnd);
  }
  lastTime = timeMs;
  lastRandom = rnd;
  return encodeTime(timeMs) + encodeRandom(rnd);
}

function encodeTime(t: number): string {
  let s = "";
  for (let i = 0; i < 10; i++) {
    s = ALPHABET[t % 32] + s;
    t = Math.floor(t / 32);
  }
  return s;
}

// 80 bits -> 16 chars, most significant first.
function encodeRandom(b: Uint8Array): string {
  let s = "";
  let acc = 0;
  let bits = 0;
  for (const x of b) {
    acc = (acc << 8) | x;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      s += ALPHABET[(acc >>> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return s;
}

const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export function isUlid(s: string): boolean {
  return ULID_RE.test(s);
}

// Milliseconds since the epoch encoded in a ULID.
export function ulidTime(id: string): number {
  if (!isUlid(id)) throw new UlidError(`not a ULID: ${JSON.stringify(id)}`);
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + ALPHABET.indexOf(id[i]);
  return t;
}
