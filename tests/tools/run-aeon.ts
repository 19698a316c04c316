// Runs `bin/aeon …` as a child process to completion and returns its exit code and output.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../helpers/processes.ts";

export interface AeonRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runAeon(args: string[], timeoutMs = 120_000): Promise<AeonRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "bin", "aeon"), ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`aeon ${args.join(" ")}: no exit after ${timeoutMs}ms; stderr: ${Buffer.concat(err).toString()}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

// The same command line through `aeon tools` in this process, with stdout and stderr captured
// (the command objects write through process.stdout.write and console.error). Calls are
// serialised because the capture swaps process-wide writers.
let queue: Promise<unknown> = Promise.resolve();
export function runInProcess(bucketArgs: string[]): Promise<AeonRun> {
  const job = queue.then(async () => {
    const { toolsCommand } = await import("../../src/cmd/tools.ts");
    let stdout = "";
    let stderr = "";
    const origWrite = process.stdout.write;
    const origErr = console.error;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      stdout += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
      return true;
    }) as typeof process.stdout.write;
    console.error = (...a: unknown[]) => void (stderr += a.join(" ") + "\n");
    try {
      const code = await toolsCommand.run({ values: new Map(), positional: [] }, ["bucket", ...bucketArgs]);
      return { code, stdout, stderr };
    } finally {
      process.stdout.write = origWrite;
      console.error = origErr;
    }
  });
  queue = job.catch(() => {});
  return job;
}
