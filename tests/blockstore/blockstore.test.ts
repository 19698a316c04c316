// The block protocol on every backend: memory, filesystem and the SigV4-checking S3 server.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { FilesystemBucket, MemoryBucket, S3Bucket } from "../../src/objstore/index.ts";
import { startS3Server, type S3Server } from "../helpers/s3-server.ts";
import { blockProtocolSuite } from "./protocol.ts";

const dirs: string[] = [];
let s3: S3Server;
before(async () => {
  s3 = await startS3Server();
});
after(async () => {
  await s3?.stop();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

blockProtocolSuite("memory", async () => new MemoryBucket());
blockProtocolSuite("filesystem", async () => {
  const d = await mkdtemp(join(tmpdir(), "aeon-blockbucket-"));
  dirs.push(d);
  return new FilesystemBucket({ directory: d });
});
blockProtocolSuite("s3", async () => {
  const b = new S3Bucket({ ...s3.config, bucket: `blk-${randomBytes(5).toString("hex")}` });
  await b.client.send({ method: "PUT", key: "" });
  return b;
});
