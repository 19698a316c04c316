// Starts the S3-protocol test peer (aeon-s3server: rclone's gofakes3 with SigV4 verification,
// built by scripts/install-test-peers.d/s3.sh) on a free 127.0.0.1 port with a fresh bucket.
// Every request must be signed with the returned keys, so a signing bug fails the test.
//
//   const s3 = await startS3Server();
//   const bucket = new S3Bucket(s3.config);
//   ...
//   await s3.stop();
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { S3Config } from "../../src/objstore/s3/config.ts";

export interface S3Server {
  endpoint: string; // 127.0.0.1:PORT
  bucket: string;
  accessKey: string;
  secretKey: string;
  /** Thanos-style S3 config (path-style, insecure http) for this server and bucket. */
  config: S3Config;
  /** The same as an objstore YAML document (`type: S3`). */
  yaml: string;
  stop(): Promise<void>;
}

const repoRoot = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..");

export function s3ServerBinary(): string {
  const candidates = [
    process.env.AEON_S3SERVER_BIN,
    join(process.env.AEON_TEST_PEERS_DIR ?? "/opt/aeon-test-peers", "bin", "aeon-s3server"),
    join(homedir(), ".cache", "aeon-test-peers", "bin", "aeon-s3server"),
  ].filter((p): p is string => !!p);
  for (const p of candidates) if (existsSync(p)) return p;
  // Not installed yet (tests run without `npm test`'s pretest): build it now, once.
  const script = join(repoRoot, "scripts", "install-test-peers.d", "s3.sh");
  const r = spawnSync("bash", [script], { stdio: ["ignore", "inherit", "inherit"] });
  for (const p of candidates) if (existsSync(p)) return p;
  throw new Error(`aeon-s3server not found (install script exit ${r.status}); run: bash ${script}`);
}

export async function startS3Server(opts: { bucket?: string; hostBucket?: boolean } = {}): Promise<S3Server> {
  const bin = s3ServerBinary();
  const bucket = opts.bucket ?? `aeon-test-${randomBytes(4).toString("hex")}`;
  const accessKey = `AKIA${randomBytes(8).toString("hex").toUpperCase()}`;
  const secretKey = randomBytes(20).toString("base64");
  const args = ["-addr", "127.0.0.1:0", "-bucket", bucket, "-access-key", accessKey, "-secret-key", secretKey];
  if (opts.hostBucket) args.push("-hostbucket");
  const child: ChildProcess = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`aeon-s3server did not start in 20s: ${stderr}`)), 20_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`aeon-s3server exited with ${code}: ${stderr}`));
    });
  });
  const config: S3Config = {
    bucket,
    endpoint,
    region: "us-east-1",
    access_key: accessKey,
    secret_key: secretKey,
    insecure: true,
    bucket_lookup_type: "path",
  };
  const yaml = [
    "type: S3",
    "config:",
    `  bucket: ${JSON.stringify(bucket)}`,
    `  endpoint: ${JSON.stringify(endpoint)}`,
    `  region: us-east-1`,
    `  access_key: ${JSON.stringify(accessKey)}`,
    `  secret_key: ${JSON.stringify(secretKey)}`,
    "  insecure: true",
    "  bucket_lookup_type: path",
    "",
  ].join("\n");
  return {
    endpoint,
    bucket,
    accessKey,
    secretKey,
    config,
    yaml,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
