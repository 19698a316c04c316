// Thanos's hashrings file: a JSON array of rings, each {hashring?, tenants?, tenant_matcher_type?
// ("exact" | "glob"), endpoints: ["host:port" | {address, az?}], algorithm?, external_labels?}.
// A ring without tenants is the default ring for every tenant not claimed by an earlier ring.
export type HashringAlgorithm = "hashmod" | "ketama";

export interface Endpoint {
  address: string;
  az: string;
}

export interface HashringConfig {
  name: string;
  tenants: string[];
  tenantMatcherType: "exact" | "glob";
  endpoints: Endpoint[];
  algorithm?: HashringAlgorithm;
  externalLabels: Record<string, string>;
}

export class HashringConfigError extends Error {}

export function parseHashringsConfig(text: string): HashringConfig[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new HashringConfigError(`hashrings config is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(raw)) throw new HashringConfigError("hashrings config must be a JSON array of hashrings");
  if (raw.length === 0) throw new HashringConfigError("hashrings config has no hashring");
  return raw.map((r, i) => parseRing(r, i));
}

function parseRing(r: unknown, i: number): HashringConfig {
  const where = `hashring ${i}`;
  if (typeof r !== "object" || r === null || Array.isArray(r)) throw new HashringConfigError(`${where}: must be an object`);
  const o = r as Record<string, unknown>;
  const strs = (v: unknown, what: string): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new HashringConfigError(`${where}: ${what} must be an array of strings`);
    return v as string[];
  };
  const matcher = o.tenant_matcher_type ?? "exact";
  if (matcher !== "exact" && matcher !== "glob") throw new HashringConfigError(`${where}: tenant_matcher_type must be "exact" or "glob"`);
  const algorithm = o.algorithm;
  if (algorithm !== undefined && algorithm !== "" && algorithm !== "hashmod" && algorithm !== "ketama") {
    throw new HashringConfigError(`${where}: unknown algorithm ${JSON.stringify(algorithm)} (want hashmod or ketama)`);
  }
  if (!Array.isArray(o.endpoints) || o.endpoints.length === 0) throw new HashringConfigError(`${where}: endpoints must be a non-empty array`);
  const endpoints = o.endpoints.map((e, j): Endpoint => {
    if (typeof e === "string" && e !== "") return { address: e, az: "" };
    if (typeof e === "object" && e !== null && typeof (e as { address?: unknown }).address === "string" && (e as { address: string }).address !== "") {
      const az = (e as { az?: unknown }).az;
      if (az !== undefined && typeof az !== "string") throw new HashringConfigError(`${where}: endpoint ${j}: az must be a string`);
      return { address: (e as { address: string }).address, az: (az as string | undefined) ?? "" };
    }
    throw new HashringConfigError(`${where}: endpoint ${j} must be "host:port" or {"address": "host:port", "az": "…"}`);
  });
  const seen = new Set<string>();
  for (const e of endpoints) {
    if (seen.has(e.address)) throw new HashringConfigError(`${where}: endpoint ${e.address} listed twice`);
    seen.add(e.address);
  }
  const ext = o.external_labels ?? {};
  if (typeof ext !== "object" || ext === null || Object.values(ext).some((v) => typeof v !== "string")) {
    throw new HashringConfigError(`${where}: external_labels must be an object of strings`);
  }
  return {
    name: typeof o.hashring === "string" ? o.hashring : "",
    tenants: strs(o.tenants, "tenants"),
    tenantMatcherType: matcher,
    endpoints,
    algorithm: algorithm ? (algorithm as HashringAlgorithm) : undefined,
    externalLabels: ext as Record<string, string>,
  };
}
