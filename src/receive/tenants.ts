// One LocalTSDB per tenant under <tsdb.path>/<tenant>, as Thanos's multitsdb: opened on the
// tenant's first write (or at startup when its directory exists), replaying its WAL first.
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { LocalTSDB, type TSDBOptions } from "../tsdb/head/index.ts";

export const DEFAULT_TENANT = "default-tenant";

// Thanos's rule (tenancy.IsTenantValid) plus a length cap: the tenant names a directory.
export function tenantError(tenant: string): string | null {
  if (tenant === "." || tenant === "..") return `invalid tenant ${JSON.stringify(tenant)}`;
  if (/[\\/]/.test(tenant)) return `tenant ${JSON.stringify(tenant)} contains a path separator`;
  if (tenant.length > 255) return "tenant name longer than 255 characters";
  if (/[\x00-\x1f\x7f]/.test(tenant)) return "tenant name contains control characters";
  return null;
}

export class Tenants {
  private readonly dbs = new Map<string, Promise<LocalTSDB>>();
  private readonly open = new Map<string, LocalTSDB>();

  constructor(
    readonly root: string,
    private readonly optsFor: (tenant: string) => TSDBOptions,
  ) {}

  // Opens every tenant that has a directory already (so their WAL data is queryable and their
  // blocks get cut even before the next write).
  async openExisting(): Promise<string[]> {
    await mkdir(this.root, { recursive: true });
    const names = (await readdir(this.root, { withFileTypes: true })).filter((e) => e.isDirectory() && !tenantError(e.name)).map((e) => e.name);
    await Promise.all(names.map((n) => this.get(n)));
    return names;
  }

  get(tenant: string): Promise<LocalTSDB> {
    let p = this.dbs.get(tenant);
    if (!p) {
      p = LocalTSDB.open(join(this.root, tenant), this.optsFor(tenant)).then((db) => {
        this.open.set(tenant, db);
        return db;
      });
      p.catch(() => this.dbs.delete(tenant)); // let a later request retry
      this.dbs.set(tenant, p);
    }
    return p;
  }

  // Tenants whose TSDB is open, by name.
  get opened(): ReadonlyMap<string, LocalTSDB> {
    return this.open;
  }

  async close(): Promise<void> {
    const all = await Promise.allSettled(this.dbs.values());
    for (const r of all) if (r.status === "fulfilled") await r.value.close();
    this.dbs.clear();
    this.open.clear();
  }
}
