// thanos.Store/Series served directly on node:http2 instead of through connect's handler. Why:
// connect writes every streamed message with its own awaited stream write, which costs a few
// hundred microseconds per Series frame (~3k series/s). Here frames are coalesced into large
// writes (flushed at 64 KiB, or as soon as the store would make us wait), with the same gRPC
// semantics: grpc-timeout deadline and client cancel -> AbortSignal, snappy/gzip message
// compression, response batching, errors as grpc-status trailers (Trailers-Only before any data).
import { fromBinary } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { constants as http2constants, type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import { gunzipSync, gzipSync } from "node:zlib";
import { SeriesRequestSchema, type SeriesResponse } from "../../gen/thanos/store/rpc_pb.ts";
import { snappyFramedDecode, snappyFramedEncode } from "../../codec/snappy/index.ts";
import { concatBytes } from "../../codec/concat.ts";
import { StoreError } from "../errors.ts";
import type { StoreServer } from "../types.ts";
import { batchSeries } from "./batch.ts";
import { encodeSeriesResponse } from "./series-encode.ts";
import { toConnectError } from "./codes.ts";
import { MAX_MESSAGE_BYTES } from "./compression.ts";
import type { GrpcServerMetrics } from "./metrics.ts";
import { beginRawCall } from "./raw-call.ts";

export const SERIES_PATH = "/thanos.Store/Series";
const FLUSH_BYTES = 64 * 1024;
const COMPRESS_MIN_BYTES = 1024;

export type Codec = { name: string; encode(b: Uint8Array): Uint8Array; decode(b: Uint8Array): Uint8Array };
export const CODECS: Record<string, Codec> = {
  snappy: { name: "snappy", encode: snappyFramedEncode, decode: (b) => snappyFramedDecode(b, MAX_MESSAGE_BYTES) },
  gzip: { name: "gzip", encode: (b) => gzipSync(b), decode: (b) => gunzipSync(b, { maxOutputLength: MAX_MESSAGE_BYTES }) },
};

export function isGrpcRequest(req: Http2ServerRequest): boolean {
  const ct = String(req.headers["content-type"] ?? "");
  return req.method === "POST" && (ct === "application/grpc" || ct.startsWith("application/grpc+proto") || ct.startsWith("application/grpc;"));
}

// grpc-timeout: up to 8 digits and a unit (H, M, S, m, u, n).
export function parseGrpcTimeout(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const m = /^(\d{1,8})([HMSmun])$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  const perUnit: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 1e-3, n: 1e-6 };
  return n * perUnit[m[2]];
}

// gRPC percent-encodes grpc-message (bytes outside printable ASCII, and '%').
export function grpcMessage(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, " ");
}

export function createSeriesHandler(store: StoreServer, metrics?: GrpcServerMetrics) {
  return (req: Http2ServerRequest, res: Http2ServerResponse): void => {
    // handleSeries catches everything itself; this guard only keeps a bug there from becoming
    // an unhandled rejection that would take the whole process down.
    handleSeries(store, metrics, req, res).catch(() => {
      if (!res.destroyed) res.stream.close(http2constants.NGHTTP2_INTERNAL_ERROR);
    });
  };
}

async function handleSeries(store: StoreServer, m: GrpcServerMetrics | undefined, req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
  const call = beginRawCall(m, { grpc_service: "thanos.Store", grpc_method: "Series", grpc_type: "server_stream" }, req, res);
  const signal = call.signal;
  const reqEncoding = String(req.headers["grpc-encoding"] ?? "identity");
  const respCodec = CODECS[reqEncoding];
  let code = "OK";
  try {
    // The body is read before anything can fail: answering while the client is still sending
    // makes the HTTP/2 stream end in a reset, which clients report instead of our status.
    const body = await readBody(req, signal);
    if (reqEncoding !== "identity" && !respCodec) {
      throw new StoreError("Unimplemented", `grpc-encoding ${reqEncoding} is not supported (snappy, gzip, identity)`);
    }
    const msg = unwrapRequest(body, respCodec);
    let request;
    try {
      request = fromBinary(SeriesRequestSchema, msg);
    } catch (e) {
      throw new StoreError("InvalidArgument", `cannot decode SeriesRequest: ${(e as Error).message}`);
    }
    const source = store.series(request, { signal, timeoutMs: call.timeoutMs });
    const responses = request.responseBatchSize > 1n ? batchSeries(source, request.responseBatchSize) : source;
    await stream(res, responses, respCodec, signal);
    if (signal.aborted) throw signal.reason;
  } catch (e) {
    const ce = toConnectError(signal.aborted ? signal.reason : e);
    code = Code[ce.code];
    const status = { "grpc-status": String(ce.code), "grpc-message": grpcMessage(ce.rawMessage) };
    // Nothing can be sent once the client has reset the stream.
    if (writable(res)) {
      if (!res.headersSent) res.writeHead(200, { "content-type": "application/grpc", ...status }); // Trailers-Only
      else res.addTrailers(status);
    }
  } finally {
    call.finish(code);
    if (writable(res)) {
      if (code === "OK") res.addTrailers({ "grpc-status": "0" });
      res.end();
    }
  }
}

export function writable(res: Http2ServerResponse): boolean {
  return !res.writableEnded && !res.destroyed && !res.stream?.closed;
}

export async function readBody(req: Http2ServerRequest, signal: AbortSignal): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const c of req as AsyncIterable<Uint8Array>) {
    if (signal.aborted) throw signal.reason;
    n += c.length;
    if (n > MAX_MESSAGE_BYTES + 5) throw new StoreError("ResourceExhausted", "request message too large");
    parts.push(c);
  }
  return concatBytes(parts, n);
}

// A unary request is exactly one length-prefixed message.
export function unwrapRequest(body: Uint8Array, codec: Codec | undefined): Uint8Array {
  if (body.length < 5) throw new StoreError("InvalidArgument", "missing gRPC request message");
  const len = ((body[1] << 24) | (body[2] << 16) | (body[3] << 8) | body[4]) >>> 0;
  if (body.length !== 5 + len) throw new StoreError("InvalidArgument", "expected exactly one gRPC request message");
  const payload = body.subarray(5);
  if ((body[0] & 1) === 0) return payload;
  if (!codec) throw new StoreError("Internal", "compressed message without grpc-encoding");
  try {
    return codec.decode(payload);
  } catch (e) {
    throw new StoreError("InvalidArgument", `cannot decompress request: ${(e as Error).message}`);
  }
}

async function stream(res: Http2ServerResponse, responses: AsyncIterable<SeriesResponse>, codec: Codec | undefined, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string> = { "content-type": "application/grpc", "grpc-accept-encoding": "snappy,gzip,identity" };
  if (codec) headers["grpc-encoding"] = codec.name;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (!writable(res)) throw new StoreError("Canceled", "client went away");
    if (!res.headersSent) res.writeHead(200, headers);
    if (pendingBytes === 0) return;
    const buf = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    if (!res.write(buf)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off("drain", done);
          res.off("close", done);
          resolve();
        };
        res.on("drain", done);
        res.on("close", done);
      });
    }
  };
  const it = responses[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = it.next();
      if (pendingBytes > 0) {
        // Flush what we have if the store is about to make us wait (it did not answer within a
        // few microtask turns), so a slow producer still streams promptly.
        let ready = false;
        next.then(() => (ready = true), () => (ready = true));
        for (let i = 0; i < 4 && !ready; i++) await Promise.resolve();
        if (!ready) await flush();
      }
      const r = await next;
      if (r.done || signal.aborted) break;
      // Encoded straight after room for the 5-byte message header; only a compressed message
      // needs a second buffer.
      let frame = encodeSeriesResponse(r.value, 5);
      let flag = 0;
      if (codec && frame.length - 5 >= COMPRESS_MIN_BYTES) {
        const msg = codec.encode(frame.subarray(5));
        frame = new Uint8Array(5 + msg.length);
        frame.set(msg, 5);
        flag = 1;
      }
      const len = frame.length - 5;
      frame[0] = flag;
      frame[1] = len >>> 24;
      frame[2] = (len >>> 16) & 0xff;
      frame[3] = (len >>> 8) & 0xff;
      frame[4] = len & 0xff;
      pending.push(frame);
      pendingBytes += frame.length;
      if (pendingBytes >= FLUSH_BYTES) await flush();
    }
    await flush();
  } finally {
    await it.return?.();
  }
}
