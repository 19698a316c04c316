// Hashring algorithms, with Thanos's placement so mixed Aeon/Thanos receivers agree:
// - hashmod: endpoints sorted by address; replica n of a series goes to (hash + n) mod N.
// - ketama: 1000 points per endpoint at xxhash64("address:i") (i = 1..1000), sorted; a series
//   lands on the first point >= its hash (wrapping); the replicas of a point are the owners of
//   the following points, skipping endpoints already chosen and keeping AZs evenly used.
import type { Labels } from "../../labels/index.ts";
import type { Endpoint, HashringAlgorithm, HashringConfig } from "./config.ts";
import { HashringConfigError } from "./config.ts";
import { seriesHash, stringHash } from "./hash.ts";

export const SECTIONS_PER_NODE = 1000;
const U64 = (1n << 64n) - 1n;

export class InsufficientNodesError extends Error {
  constructor(have: number, want: number) {
    super(`insufficient nodes; have ${have}, want ${want}`);
  }
}

export interface Hashring {
  // The endpoint for replica n (0-based) of a series of `tenant`.
  getN(tenant: string, labels: Labels, n: number): string;
  // Same, from a precomputed seriesHash (one hash per series for all its replicas).
  getNByHash(tenant: string, hash: bigint, n: number): string;
  nodes(): readonly Endpoint[];
}

export class HashmodRing implements Hashring {
  private readonly endpoints: Endpoint[];
  constructor(endpoints: readonly Endpoint[]) {
    if (endpoints.some((e) => e.az !== "")) throw new HashringConfigError("the hashmod algorithm does not support AZ-aware endpoints; use ketama or remove az");
    this.endpoints = [...endpoints].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }
  nodes(): readonly Endpoint[] {
    return this.endpoints;
  }
  getN(tenant: string, labels: Labels, n: number): string {
    return this.getNByHash(tenant, seriesHash(tenant, labels), n);
  }
  getNByHash(_tenant: string, hash: bigint, n: number): string {
    const len = this.endpoints.length;
    if (n >= len) throw new InsufficientNodesError(len, n + 1);
    // uint64 addition wraps, as in Go.
    return this.endpoints[Number(((hash + BigInt(n)) & U64) % BigInt(len))].address;
  }
}

interface Section {
  hash: bigint;
  endpoint: number;
  az: string;
  replicas: number[];
}

export class KetamaRing implements Hashring {
  private readonly endpoints: Endpoint[];
  private readonly sections: Section[];
  private readonly hashes: BigUint64Array;

  constructor(endpoints: readonly Endpoint[], replicationFactor: number, sectionsPerNode = SECTIONS_PER_NODE) {
    if (endpoints.length < replicationFactor) {
      throw new HashringConfigError(`ketama: ${endpoints.length} endpoints cannot hold ${replicationFactor} replicas`);
    }
    this.endpoints = [...endpoints];
    const azs = new Set(endpoints.map((e) => e.az));
    const sections: Section[] = [];
    endpoints.forEach((e, idx) => {
      for (let i = 1; i <= sectionsPerNode; i++) sections.push({ hash: stringHash(`${e.address}:${i}`), endpoint: idx, az: e.az, replicas: [] });
    });
    // Stable sort by hash (ties keep endpoint order, like Go's sort on distinct hashes).
    sections.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
    assignReplicas(sections, replicationFactor, azs);
    this.sections = sections;
    this.hashes = BigUint64Array.from(sections.map((s) => s.hash));
  }

  nodes(): readonly Endpoint[] {
    return this.endpoints;
  }

  getN(tenant: string, labels: Labels, n: number): string {
    return this.getNByHash(tenant, seriesHash(tenant, labels), n);
  }

  getNByHash(_tenant: string, hash: bigint, n: number): string {
    if (n >= this.endpoints.length) throw new InsufficientNodesError(this.endpoints.length, n + 1);
    // First section whose point is >= hash, wrapping to the first.
    let lo = 0;
    let hi = this.hashes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.hashes[mid] < hash) lo = mid + 1;
      else hi = mid;
    }
    const s = this.sections[lo === this.sections.length ? 0 : lo];
    const r = s.replicas[n];
    if (r === undefined) throw new InsufficientNodesError(s.replicas.length, n + 1);
    return this.endpoints[r].address;
  }
}

// For each section, walk the ring from it and collect `rf` distinct endpoints; while several AZs
// exist, an endpoint whose AZ already holds more replicas than the least used AZ is skipped.
function assignReplicas(sections: Section[], rf: number, azs: Set<string>): void {
  const total = sections.length;
  for (let i = 0; i < total; i++) {
    const chosen = new Set<number>();
    const spread = new Map<string, number>([...azs].map((az) => [az, 0]));
    const out = sections[i].replicas;
    for (let step = 0; chosen.size < rf && step < total * 2; step++) {
      const cand = sections[(i + step) % total];
      if (chosen.has(cand.endpoint)) continue;
      if (spread.size > 1) {
        const used = spread.get(cand.az) ?? 0;
        const least = Math.min(...spread.values());
        if (used > 0 && used > least) continue;
      }
      chosen.add(cand.endpoint);
      spread.set(cand.az, (spread.get(cand.az) ?? 0) + 1);
      out.push(cand.endpoint);
    }
  }
}

export function newRing(endpoints: readonly Endpoint[], algorithm: HashringAlgorithm, replicationFactor: number): Hashring {
  return algorithm === "ketama" ? new KetamaRing(endpoints, replicationFactor) : new HashmodRing(endpoints);
}

// Several rings, chosen per tenant: the first ring whose tenants match (exactly or by glob),
// a ring without tenants matching everyone.
export class MultiHashring implements Hashring {
  private readonly rings: Array<{ cfg: HashringConfig; ring: Hashring; globs: RegExp[] }>;
  private readonly cache = new Map<string, Hashring | null>();

  constructor(configs: readonly HashringConfig[], defaultAlgorithm: HashringAlgorithm, replicationFactor: number) {
    this.rings = configs.map((cfg) => ({
      cfg,
      ring: newRing(cfg.endpoints, cfg.algorithm ?? defaultAlgorithm, replicationFactor),
      globs: cfg.tenantMatcherType === "glob" ? cfg.tenants.map(globToRegExp) : [],
    }));
  }

  ringFor(tenant: string): Hashring | null {
    let r = this.cache.get(tenant);
    if (r !== undefined) return r;
    r = null;
    for (const x of this.rings) {
      const hit =
        x.cfg.tenants.length === 0 ||
        (x.cfg.tenantMatcherType === "glob" ? x.globs.some((g) => g.test(tenant)) : x.cfg.tenants.includes(tenant));
      if (hit) {
        r = x.ring;
        break;
      }
    }
    this.cache.set(tenant, r);
    return r;
  }

  getN(tenant: string, labels: Labels, n: number): string {
    return this.getNByHash(tenant, seriesHash(tenant, labels), n);
  }

  getNByHash(tenant: string, hash: bigint, n: number): string {
    const r = this.ringFor(tenant);
    if (!r) throw new Error(`no hashring matches tenant ${JSON.stringify(tenant)}`);
    return r.getNByHash(tenant, hash, n);
  }

  nodes(): readonly Endpoint[] {
    const seen = new Map<string, Endpoint>();
    for (const x of this.rings) for (const e of x.ring.nodes()) seen.set(e.address, e);
    return [...seen.values()].sort((a, b) => (a.address < b.address ? -1 : 1));
  }
}

// Go's filepath.Match on a tenant name: `*` any run of non-'/' characters, `?` one, [...] a class.
export function globToRegExp(glob: string): RegExp {
  let re = "^";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) throw new HashringConfigError(`bad tenant pattern ${JSON.stringify(glob)}: unterminated [`);
      let cls = glob.slice(i + 1, end);
      if (cls.startsWith("^")) cls = "^" + cls.slice(1).replace(/[\\\]]/g, "\\$&");
      else cls = cls.replace(/[\\\]]/g, "\\$&");
      re += `[${cls}]`;
      i = end;
    } else if (c === "\\" && i + 1 < glob.length) re += "\\" + glob[++i];
    else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(re + "$");
}
