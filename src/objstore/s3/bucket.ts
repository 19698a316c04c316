// S3 backend of the Bucket interface: objects via GET/HEAD/PUT/DELETE, listing via ListObjectsV2
// (continuation-token pages of up to 1000 keys), ranged GETs, and multipart upload for objects
// larger than part_size so memory stays bounded by one part.
import { bodyPieces, checkRange, concatBytes } from "../body.ts";
import {
  type Bucket,
  checkObjectName,
  DIR_DELIM,
  dirPrefix,
  type IterOptions,
  isObjNotFoundErr,
  type ObjectAttributes,
  ObjNotFoundError,
  type UploadBody,
} from "../bucket.ts";
import { S3Client } from "./client.ts";
import { resolveS3Config, type ResolvedS3Config, type S3Config } from "./config.ts";
import { S3Error } from "./errors.ts";
import { escapeXml, xmlElements, xmlText } from "./xml.ts";

const decoder = new TextDecoder();

export class S3Bucket implements Bucket {
  readonly name: string;
  readonly client: S3Client;

  constructor(cfg: S3Config | ResolvedS3Config, opts: { env?: Record<string, string | undefined>; fetch?: (req: Request) => Promise<Response> } = {}) {
    const resolved = "accessKey" in cfg && "scheme" in cfg ? (cfg as ResolvedS3Config) : resolveS3Config(cfg as S3Config, opts.env);
    this.client = new S3Client(resolved, opts.fetch);
    this.name = `s3:${resolved.bucket}`;
  }

  get config(): ResolvedS3Config {
    return this.client.cfg;
  }

  // 404 NoSuchKey (or a bodiless 404 on HEAD) means the object is missing; NoSuchBucket and the
  // rest stay S3Errors so a misconfigured bucket name is not mistaken for an empty bucket.
  private mapNotFound(name: string, e: unknown): unknown {
    if (e instanceof S3Error && e.status === 404 && (e.code === "NoSuchKey" || e.code === "NotFound")) {
      return new ObjNotFoundError(this.name, name, e.code);
    }
    return e;
  }

  async get(name: string): Promise<Uint8Array> {
    checkObjectName(this.name, name);
    try {
      return (await this.client.send({ method: "GET", key: name, readBody: true })).bytes!;
    } catch (e) {
      throw this.mapNotFound(name, e);
    }
  }

  async getStream(name: string): Promise<ReadableStream<Uint8Array>> {
    checkObjectName(this.name, name);
    try {
      const res = await this.client.send({ method: "GET", key: name });
      return res.stream ?? new ReadableStream({ start: (c) => c.close() });
    } catch (e) {
      throw this.mapNotFound(name, e);
    }
  }

  async getRange(name: string, offset: number, length: number): Promise<Uint8Array> {
    checkObjectName(this.name, name);
    checkRange(offset, length);
    if (length === 0) {
      await this.attributes(name); // still report a missing object
      return new Uint8Array(0);
    }
    const range = length < 0 ? `bytes=${offset}-` : `bytes=${offset}-${offset + length - 1}`;
    try {
      const res = await this.client.send({ method: "GET", key: name, headers: { range }, readBody: true, accept: [416] });
      if (res.status === 416) {
        // Range starts past the end. Check the object exists, then answer like the other
        // backends: no bytes.
        await this.attributes(name);
        return new Uint8Array(0);
      }
      // A server that ignores Range answers 200 with the whole object: cut it ourselves.
      if (res.status === 200) {
        const all = res.bytes!;
        return all.slice(Math.min(offset, all.length), length < 0 ? all.length : Math.min(all.length, offset + length));
      }
      return res.bytes!;
    } catch (e) {
      throw this.mapNotFound(name, e);
    }
  }

  async exists(name: string): Promise<boolean> {
    checkObjectName(this.name, name);
    const res = await this.client.send({ method: "HEAD", key: name, accept: [404] });
    return res.status !== 404;
  }

  async attributes(name: string): Promise<ObjectAttributes> {
    checkObjectName(this.name, name);
    try {
      const res = await this.client.send({ method: "HEAD", key: name });
      const size = Number(res.headers.get("content-length") ?? "NaN");
      const lm = res.headers.get("last-modified");
      if (!Number.isFinite(size)) throw new Error(`${this.name}: HEAD ${name}: no Content-Length in response`);
      return { size, lastModified: lm ? new Date(lm) : new Date(0) };
    } catch (e) {
      throw this.mapNotFound(name, e);
    }
  }

  async upload(name: string, body: UploadBody): Promise<void> {
    checkObjectName(this.name, name);
    const cfg = this.client.cfg;
    if (cfg.disableMultipart) {
      const parts: Uint8Array[] = [];
      for await (const p of bodyPieces(body, cfg.partSize)) parts.push(p);
      await this.putObject(name, concatBytes(parts));
      return;
    }
    const pieces = bodyPieces(body, cfg.partSize)[Symbol.asyncIterator]();
    const first = await pieces.next();
    if (first.done) {
      await this.putObject(name, new Uint8Array(0));
      return;
    }
    const second = await pieces.next();
    if (second.done) {
      await this.putObject(name, first.value);
      return;
    }
    await this.multipart(name, first.value, second.value, pieces);
  }

  private async putObject(name: string, bytes: Uint8Array): Promise<void> {
    await this.client.send({ method: "PUT", key: name, body: bytes, headers: { "content-type": "application/octet-stream" } });
  }

  private async multipart(name: string, p1: Uint8Array, p2: Uint8Array, rest: AsyncIterator<Uint8Array>): Promise<void> {
    const init = await this.client.send({ method: "POST", key: name, query: { uploads: "" }, readBody: true, headers: { "content-type": "application/octet-stream" } });
    const uploadId = xmlText(decoder.decode(init.bytes), "UploadId");
    if (!uploadId) throw new Error(`${this.name}: initiate multipart upload of ${name}: no UploadId in response`);
    const etags: string[] = [];
    try {
      const putPart = async (bytes: Uint8Array) => {
        const partNumber = etags.length + 1;
        if (partNumber > 10_000) throw new Error(`${this.name}: ${name} needs more than 10000 parts; raise part_size`);
        const res = await this.client.send({ method: "PUT", key: name, query: { partNumber: String(partNumber), uploadId }, body: bytes });
        const etag = res.headers.get("etag");
        if (!etag) throw new Error(`${this.name}: upload part ${partNumber} of ${name}: no ETag in response`);
        etags.push(etag);
      };
      await putPart(p1);
      await putPart(p2);
      for (let r = await rest.next(); !r.done; r = await rest.next()) await putPart(r.value);
      const xml =
        "<CompleteMultipartUpload>" +
        etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${escapeXml(e)}</ETag></Part>`).join("") +
        "</CompleteMultipartUpload>";
      const done = await this.client.send({ method: "POST", key: name, query: { uploadId }, body: new TextEncoder().encode(xml), readBody: true, headers: { "content-type": "application/xml" } });
      const text = decoder.decode(done.bytes);
      if (xmlElements(text, "Error").length > 0) {
        throw new S3Error(`s3 complete multipart ${this.client.cfg.bucket}/${name}`, done.status, xmlText(text, "Code") ?? "Error", xmlText(text, "Message") ?? "");
      }
    } catch (e) {
      // Abort so the parts don't linger (and cost) in the bucket; the original error matters more.
      await this.client.send({ method: "DELETE", key: name, query: { uploadId }, accept: [404] }).catch(() => {});
      throw e;
    }
  }

  async delete(name: string): Promise<void> {
    checkObjectName(this.name, name);
    await this.client.send({ method: "DELETE", key: name, accept: [404] });
  }

  async *iter(dir: string, opts: IterOptions = {}): AsyncIterable<string> {
    const prefix = dirPrefix(dir);
    let token: string | undefined;
    do {
      const query: Record<string, string> = { "list-type": "2", "max-keys": "1000", prefix };
      if (!opts.recursive) query.delimiter = DIR_DELIM;
      if (token) query["continuation-token"] = token;
      const res = await this.client.send({ method: "GET", key: "", query, readBody: true });
      const xml = decoder.decode(res.bytes);
      const names: string[] = [];
      for (const c of xmlElements(xml, "Contents")) {
        const key = xmlText(c, "Key");
        // A zero-byte "folder" object named exactly like the listed dir is not a child of it.
        if (key !== undefined && key !== prefix) names.push(key);
      }
      for (const c of xmlElements(xml, "CommonPrefixes")) {
        const p = xmlText(c, "Prefix");
        if (p !== undefined) names.push(p);
      }
      names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      yield* names;
      token = xmlText(xml, "IsTruncated") === "true" ? xmlText(xml, "NextContinuationToken") : undefined;
      if (xmlText(xml, "IsTruncated") === "true" && !token) {
        throw new Error(`${this.name}: list ${JSON.stringify(prefix)}: truncated page without NextContinuationToken`);
      }
    } while (token);
  }

  isObjNotFoundErr(err: unknown): boolean {
    return isObjNotFoundErr(err);
  }

  async close(): Promise<void> {}
}
