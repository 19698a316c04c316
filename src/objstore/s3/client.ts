// Signed S3 requests (SigV4 via aws4fetch) with Aeon's own retry loop: aws4fetch's built-in
// retries are turned off because they retry 4xx-free 5xx only, without timeouts or network-error
// handling, and can't re-read a consumed body. Every attempt is signed afresh (X-Amz-Date).
import { AwsClient } from "aws4fetch";
import { concatBytes } from "../../codec/concat.ts";
import type { ResolvedS3Config } from "./config.ts";
import { S3Error, s3ErrorFromBody } from "./errors.ts";
import { backoffMs, isRetryableStatus, RETRYABLE_CODES, sleep, TimeoutError } from "./retry.ts";

export interface S3Request {
  method: "GET" | "HEAD" | "PUT" | "POST" | "DELETE";
  /** Object key; "" addresses the bucket itself. */
  key: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** Read the whole body inside the attempt, so a connection dropped mid-body is retried too. */
  readBody?: boolean;
  /** Statuses the caller handles itself (e.g. 404 for exists(), 416 for ranges past the end). */
  accept?: number[];
}

export interface S3Response {
  status: number;
  headers: Headers;
  /** Set when readBody was asked for. */
  bytes?: Uint8Array;
  /** The unread body otherwise (GET streams). */
  stream?: ReadableStream<Uint8Array> | null;
}

export class S3Client {
  private aws: AwsClient;
  /** Test hook and log counter: attempts that were retried. */
  retries = 0;

  private readonly fetchFn: (req: Request) => Promise<Response>;

  /** `fetchFn` replaces the global fetch (tests route virtual-hosted names to 127.0.0.1). */
  constructor(
    readonly cfg: ResolvedS3Config,
    fetchFn?: (req: Request) => Promise<Response>,
  ) {
    this.fetchFn = fetchFn ?? ((r) => fetch(r));
    this.aws = this.signer();
  }

  private signer(): AwsClient {
    const cfg = this.cfg;
    return new AwsClient({
      accessKeyId: cfg.accessKey,
      secretAccessKey: cfg.secretKey,
      sessionToken: cfg.sessionToken,
      service: "s3",
      region: cfg.region,
      retries: 0,
    });
  }

  url(key: string, query?: Record<string, string>): string {
    const path = key === "" ? "" : key.split("/").map(encodeSegment).join("/");
    const c = this.cfg;
    let u = c.virtualHosted ? `${c.scheme}://${c.bucket}.${c.endpoint}/${path}` : `${c.scheme}://${c.endpoint}/${encodeSegment(c.bucket)}${path ? "/" + path : ""}`;
    if (query) {
      const qs = Object.entries(query)
        .map(([k, v]) => (v === "" ? encodeSegment(k) : `${encodeSegment(k)}=${encodeSegment(v)}`))
        .join("&");
      if (qs) u += "?" + qs;
    }
    return u;
  }

  /** Performs the request with retries; throws S3Error for any non-2xx status not in `accept`. */
  async send(req: S3Request): Promise<S3Response> {
    const op = `s3 ${req.method} ${this.cfg.bucket}/${req.key}`;
    let payloadHash = "UNSIGNED-PAYLOAD";
    if (req.body) payloadHash = hex(await crypto.subtle.digest("SHA-256", req.body as Uint8Array<ArrayBuffer>));
    let regionFixed = false;
    for (let attempt = 0; ; attempt++) {
      let failure: Error;
      try {
        return await this.attempt(req, op, payloadHash);
      } catch (e) {
        // Signed for the wrong region (e.g. no `region:` and an endpoint that doesn't name it):
        // AWS says which region the bucket is in; switch to it once and go on, as minio-go does
        // with its bucket-location lookup.
        if (e instanceof S3Error && e.code === "AuthorizationHeaderMalformed" && e.region && e.region !== this.cfg.region && !regionFixed) {
          regionFixed = true;
          this.cfg.region = e.region;
          this.aws = this.signer();
          attempt--;
          continue;
        }
        if (e instanceof S3Error && !isRetryableStatus(e.status) && !RETRYABLE_CODES.has(e.code)) throw e;
        failure = e instanceof Error ? e : new Error(String(e));
      }
      if (attempt >= this.cfg.maxRetries) {
        if (failure instanceof S3Error || failure instanceof TimeoutError) throw failure;
        throw new Error(`${op}: ${failure.message} (after ${attempt + 1} attempts)`, { cause: failure });
      }
      this.retries++;
      await sleep(backoffMs(attempt, this.cfg.minBackoffMs, this.cfg.maxBackoffMs));
    }
  }

  private async attempt(req: S3Request, op: string, payloadHash: string): Promise<S3Response> {
    const abort = new AbortController();
    const ms = this.cfg.timeoutMs;
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        abort.abort();
      }, ms);
    };
    arm();
    try {
      const signed = await this.aws.sign(this.url(req.key, req.query), {
        method: req.method,
        headers: { ...req.headers, "x-amz-content-sha256": payloadHash },
        body: req.body as Uint8Array<ArrayBuffer> | undefined,
        signal: abort.signal,
      });
      const res = await this.fetchFn(signed);
      const out: S3Response = { status: res.status, headers: res.headers };
      const ok = res.status >= 200 && res.status < 300;
      if (!ok && !req.accept?.includes(res.status)) {
        const text = req.method === "HEAD" ? "" : new TextDecoder().decode(await readAll(res.body, arm));
        throw s3ErrorFromBody(op, res.status, text, res.headers.get("x-amz-request-id") ?? "");
      }
      // S3 may answer CompleteMultipartUpload with 200 and an <Error> body; callers that care
      // read the body (readBody) and check it. Only GETs hand a stream back: every other body is
      // small and read here, so no unread response pins a pooled connection.
      if (req.readBody || req.method !== "GET" || !ok) out.bytes = await readAll(res.body, arm);
      // Unfinished: a stream handed to the caller has no stall timeout once headers arrived.
      else out.stream = res.body;
      return out;
    } catch (e) {
      if (e instanceof S3Error) throw e;
      if (timedOut) throw new TimeoutError(op, ms);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }
}

// Reads a body to its end; `tick` re-arms the stall timer on every piece received.
async function readAll(body: ReadableStream<Uint8Array> | null, tick: () => void): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    tick();
    parts.push(value);
    total += value.length;
  }
  return concatBytes(parts, total);
}

// RFC 3986 unreserved characters stay, everything else is percent-encoded (S3's URI encoding).
function encodeSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

function hex(buf: ArrayBuffer): string {
  const b = new Uint8Array(buf);
  let s = "";
  for (let i = 0; i < b.length; i++) s += b[i].toString(16).padStart(2, "0");
  return s;
}
