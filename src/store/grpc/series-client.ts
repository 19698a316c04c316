// Client side of thanos.Store/Series on node:http2 directly. connect's client costs several
// async hops and a full reflective decode per streamed message; this reads DATA frames, cuts the
// gRPC envelopes itself and decodes Series with the hand-written decoder, pausing the HTTP/2
// stream when the consumer falls behind (flow control does the rest). Semantics as grpc-go:
// grpc-timeout deadline, RST_STREAM(CANCEL) on abort or early exit, snappy/gzip, status from
// trailers (or Trailers-Only headers), HTTP status mapped when there is no grpc-status.
import { toBinary } from "@bufbuild/protobuf";
import * as http2 from "node:http2";
import { gunzipSync, gzipSync } from "node:zlib";
import { SeriesRequestSchema, type SeriesRequest, type SeriesResponse } from "../../gen/thanos/store/rpc_pb.ts";
import { snappyFramedDecode, snappyFramedEncode } from "../../codec/snappy/index.ts";
import { concatBytes } from "../../codec/concat.ts";
import { StoreError, type StoreErrorCode } from "../errors.ts";
import { HTTP2_WINDOW_BYTES, MAX_MESSAGE_BYTES } from "./compression.ts";
import { decodeSeriesResponse } from "./series-decode.ts";
import { SERIES_PATH } from "./series-fast.ts";

const CODE_NAMES: StoreErrorCode[] = [
  "Unknown", // 0 = OK, not used as an error
  "Canceled",
  "Unknown",
  "InvalidArgument",
  "DeadlineExceeded",
  "NotFound",
  "AlreadyExists",
  "Unknown", // PermissionDenied
  "ResourceExhausted",
  "FailedPrecondition",
  "Aborted",
  "Unknown", // OutOfRange
  "Unimplemented",
  "Internal",
  "Unavailable",
  "Internal", // DataLoss
  "Unknown", // Unauthenticated
];

function httpStatusCode(status: number): StoreErrorCode {
  if (status === 400) return "Internal";
  if (status === 404) return "Unimplemented";
  if (status === 429 || status === 502 || status === 503 || status === 504) return "Unavailable";
  return "Unknown";
}

type Codec = { encode(b: Uint8Array): Uint8Array; decode(b: Uint8Array): Uint8Array };
const CODECS: Record<string, Codec> = {
  snappy: { encode: snappyFramedEncode, decode: (b) => snappyFramedDecode(b, MAX_MESSAGE_BYTES) },
  gzip: { encode: (b) => gzipSync(b), decode: (b) => gunzipSync(b, { maxOutputLength: MAX_MESSAGE_BYTES }) },
};

// One HTTP/2 connection, opened on first use and re-opened after it closes or fails. The
// session only keeps the process alive while calls are in flight.
export class Http2Channel {
  private session: http2.ClientHttp2Session | null = null;
  private active = 0;
  constructor(readonly baseUrl: string) {}

  acquire(): http2.ClientHttp2Session {
    let s = this.session;
    if (!s || s.closed || s.destroyed) {
      s = http2.connect(this.baseUrl, { settings: { initialWindowSize: HTTP2_WINDOW_BYTES } });
      const mine = s;
      // Raise the connection-level window too (HTTP/2's default is 64 KiB, which would cap a
      // stream at 64 KiB per round trip across a WAN). Not every runtime implements it.
      s.once("connect", () => {
        try {
          mine.setLocalWindowSize?.(HTTP2_WINDOW_BYTES);
        } catch {
          // keep the default window
        }
      });
      const drop = () => {
        if (this.session === mine) this.session = null;
      };
      s.on("error", drop);
      s.on("close", drop);
      s.on("goaway", drop);
      this.session = s;
    }
    if (this.active++ === 0) s.ref?.();
    return s;
  }

  release(s: http2.ClientHttp2Session): void {
    if (--this.active === 0 && s === this.session) s.unref?.();
  }

  close(): void {
    this.session?.close();
    this.session = null;
  }
}

export interface SeriesCallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  compression?: "snappy" | "gzip";
  name: string;
}

export async function* callSeries(ch: Http2Channel, req: SeriesRequest, o: SeriesCallOptions): AsyncGenerator<SeriesResponse> {
  const fail = (code: StoreErrorCode, msg: string, cause?: unknown) => new StoreError(code, `${o.name}: ${msg}`, { cause });
  if (o.signal?.aborted) throw abortError(o.signal, fail);
  let body: Uint8Array = toBinary(SeriesRequestSchema, req);
  const headers: http2.OutgoingHttpHeaders = {
    ":method": "POST",
    ":path": SERIES_PATH,
    "content-type": "application/grpc",
    te: "trailers",
    "grpc-accept-encoding": "snappy,gzip,identity",
    "user-agent": "aeon-grpc/1",
  };
  let flag = 0;
  if (o.compression && body.length >= 1024) {
    body = CODECS[o.compression].encode(body);
    headers["grpc-encoding"] = o.compression;
    flag = 1;
  }
  if (o.timeoutMs !== undefined) headers["grpc-timeout"] = `${Math.max(1, Math.ceil(o.timeoutMs))}m`;
  const frame = new Uint8Array(5 + body.length);
  frame[0] = flag;
  new DataView(frame.buffer).setUint32(1, body.length);
  frame.set(body, 5);

  const session = ch.acquire();
  let stream: http2.ClientHttp2Stream;
  try {
    stream = session.request(headers);
  } catch (e) {
    ch.release(session);
    throw fail("Unavailable", (e as Error).message, e);
  }
  const queue: SeriesResponse[] = [];
  // Received bytes not yet cut into messages, kept as a list and joined only once a whole
  // message is there (a 100 MiB message must not be re-copied for every 16 KiB DATA frame).
  let parts: Uint8Array[] = [];
  let partsLen = 0;
  let needed = 5;
  let respCodec: Codec | undefined;
  let httpStatus = 0;
  let grpcStatus: string | undefined;
  let grpcMessage = "";
  let failure: StoreError | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const setFailure = (e: StoreError) => {
    failure ??= e;
    notify();
  };
  const readStatus = (h: http2.IncomingHttpHeaders) => {
    if (h["grpc-status"] !== undefined) {
      grpcStatus = String(h["grpc-status"]);
      try {
        grpcMessage = decodeURIComponent(String(h["grpc-message"] ?? ""));
      } catch {
        grpcMessage = String(h["grpc-message"] ?? "");
      }
    }
  };
  stream.on("response", (h) => {
    httpStatus = Number(h[":status"]);
    const enc = h["grpc-encoding"] as string | undefined;
    if (enc && enc !== "identity") {
      respCodec = CODECS[enc];
      if (!respCodec) setFailure(fail("Internal", `server answered with unsupported grpc-encoding ${enc}`));
    }
    readStatus(h);
  });
  stream.on("trailers", readStatus);
  stream.on("data", (chunk: Uint8Array) => {
    // Plain Uint8Array views, not Buffers: chunk `data` handed to callers are views of these.
    const d = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    parts.push(d);
    partsLen += d.length;
    if (partsLen < needed) return;
    const buf = concatBytes(parts, partsLen);
    let at = 0;
    try {
      for (;;) {
        if (buf.length - at < 5) {
          needed = 5;
          break;
        }
        const len = ((buf[at + 1] << 24) | (buf[at + 2] << 16) | (buf[at + 3] << 8) | buf[at + 4]) >>> 0;
        if (len > MAX_MESSAGE_BYTES) throw fail("ResourceExhausted", `response message of ${len} bytes exceeds the limit`);
        if (buf.length - at < 5 + len) {
          needed = 5 + len;
          break;
        }
        let msg = buf.subarray(at + 5, at + 5 + len);
        if (buf[at] & 1) {
          if (!respCodec) throw fail("Internal", "compressed message without grpc-encoding");
          msg = respCodec.decode(msg);
        }
        queue.push(decodeSeriesResponse(msg));
        at += 5 + len;
      }
    } catch (e) {
      setFailure(e instanceof StoreError ? e : fail("Internal", `bad response message: ${(e as Error).message}`, e));
      stream.close(http2.constants.NGHTTP2_CANCEL);
      return;
    }
    parts = at < buf.length ? [buf.subarray(at)] : [];
    partsLen = buf.length - at;
    if (queue.length > 512) stream.pause();
    notify();
  });
  stream.on("end", () => {
    ended = true;
    notify();
  });
  stream.on("close", () => {
    ended = true;
    notify();
  });
  stream.on("error", (e) => setFailure(fail("Unavailable", e.message, e)));
  const onAbort = () => {
    setFailure(abortError(o.signal!, fail));
    stream.close(http2.constants.NGHTTP2_CANCEL);
  };
  o.signal?.addEventListener("abort", onAbort, { once: true });
  // The server enforces grpc-timeout too; this covers a server that ignores it.
  const timer = o.timeoutMs !== undefined ? setTimeout(() => {
    setFailure(fail("DeadlineExceeded", "deadline exceeded"));
    stream.close(http2.constants.NGHTTP2_CANCEL);
  }, o.timeoutMs + 50) : undefined;
  stream.end(frame);

  let finished = false;
  try {
    for (;;) {
      if (failure) throw failure;
      if (queue.length) {
        const r = queue.shift()!;
        if (queue.length < 64 && stream.isPaused()) stream.resume();
        yield r;
        continue;
      }
      if (ended) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failure) throw failure;
    if (grpcStatus === undefined) {
      if (httpStatus && httpStatus !== 200) throw fail(httpStatusCode(httpStatus), `HTTP status ${httpStatus}`);
      if (stream.rstCode) throw fail("Unavailable", `stream reset by peer (HTTP/2 error ${stream.rstCode})`);
      throw fail("Internal", "stream ended without grpc-status");
    }
    if (grpcStatus !== "0") {
      const code = CODE_NAMES[Number(grpcStatus)] ?? "Unknown";
      throw fail(code, grpcMessage);
    }
    finished = true;
  } finally {
    if (timer) clearTimeout(timer);
    o.signal?.removeEventListener("abort", onAbort);
    if (!finished && !stream.closed) stream.close(http2.constants.NGHTTP2_CANCEL);
    ch.release(session);
  }
}

function abortError(signal: AbortSignal, fail: (c: StoreErrorCode, m: string, cause?: unknown) => StoreError): StoreError {
  const r = signal.reason as Error | undefined;
  if (r instanceof StoreError) return fail(r.code, r.message, r);
  if (r?.name === "TimeoutError") return fail("DeadlineExceeded", "deadline exceeded", r);
  return fail("Canceled", r?.message || "call canceled", r);
}
