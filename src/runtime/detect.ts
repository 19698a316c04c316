// Which JavaScript runtime we run on. The only file (with its siblings in src/runtime/) that
// looks at runtime-specific globals.
export type RuntimeName = "node" | "bun" | "deno";

const g = globalThis as Record<string, unknown>;

export const runtimeName: RuntimeName = g.Bun ? "bun" : g.Deno ? "deno" : "node";

export function runtimeVersion(): string {
  if (runtimeName === "bun") return String((g.Bun as { version: string }).version);
  if (runtimeName === "deno") return String((g.Deno as { version: { deno: string } }).version.deno);
  return process.versions.node;
}
