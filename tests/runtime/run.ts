// Helpers for tests that run the same code under node (tsx), bun and deno.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = process.env.AEON_ROOT ?? join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);

// Command lines that run a TypeScript entry file under each runtime.
export const runtimes: Record<string, (file: string, args: string[]) => [string, string[]]> = {
  node: (file, args) => [process.execPath, ["--import", "tsx", file, ...args]],
  bun: (file, args) => [bin("bun"), ["run", file, ...args]],
  deno: (file, args) => [bin("deno"), ["run", "-A", file, ...args]],
};

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], cwd = root): RunResult {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 120_000, env: { ...process.env, NO_COLOR: "1" } });
  return { status: r.status, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}
