// Starting real processes in tests: our own components (bin/aeon …) and Debian's Prometheus.
// Output is kept so a failing test can show it; every process is killed on stop().
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, httpOk, waitFor } from "./net.ts";

export const repoRoot = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");

export interface Proc {
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startProcess(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Proc {
  const child = spawn(cmd, args, { cwd: opts.cwd ?? repoRoot, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const keep = (b: Buffer) => {
    out += b.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    child,
    output: () => out,
    async stop(signal: NodeJS.Signals = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const t = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

// `bin/aeon <component> …` on Node; wait until `readyUrl` answers 200.
export async function startAeon(args: string[], readyUrl?: string, timeoutMs = 30_000): Promise<Proc> {
  const p = startProcess(process.execPath, [join(repoRoot, "bin", "aeon"), ...args]);
  if (readyUrl) {
    try {
      await waitFor(`aeon ${args[0]} at ${readyUrl}`, async () => {
        if (p.child.exitCode !== null) throw new Error(`exited with ${p.child.exitCode}: ${p.output()}`);
        return httpOk(readyUrl);
      }, timeoutMs);
    } catch (e) {
      await p.stop("SIGKILL");
      throw new Error(`${(e as Error).message}\n--- output ---\n${p.output()}`);
    }
  }
  return p;
}

export interface PrometheusProc extends Proc {
  url: string;
  port: number;
  dataDir: string;
}

// A real Prometheus (Debian package, 2.42) on 127.0.0.1 with the given YAML config, its TSDB
// in a temp dir. Extra flags are appended (e.g. block durations, remote-write receiver).
export async function startPrometheus(configYaml: string, extraFlags: string[] = [], dataDir?: string): Promise<PrometheusProc> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), "aeon-prom-")));
  await mkdir(dir, { recursive: true });
  const cfg = join(dir, "prometheus.yml");
  const port = await freePort();
  await writeFile(cfg, configYaml.replaceAll("$PORT", String(port)));
  const p = startProcess("prometheus", [
    `--config.file=${cfg}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--log.level=warn",
    ...extraFlags,
  ]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor("prometheus ready", async () => {
      if (p.child.exitCode !== null) throw new Error(`prometheus exited: ${p.output()}`);
      return httpOk(`${url}/-/ready`);
    }, 30_000);
  } catch (e) {
    await p.stop("SIGKILL");
    throw e;
  }
  return { ...p, url, port, dataDir: dir };
}
