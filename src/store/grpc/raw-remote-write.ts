// thanos.WriteableStore/RemoteWrite served directly on node:http2, handing the implementation the
// request message's raw bytes. Why not connect: its handler decodes with protobuf-es, whose double
// reader goes through a JS number, and Bun canonicalises NaNs — a forwarded stale marker would
// lose its bits before the receiver sees it. Same gRPC semantics as connect's unary handler:
// one length-prefixed request message (snappy/gzip message compression), grpc-timeout deadline
// and client cancel -> AbortSignal, an empty WriteResponse on success, StoreErrors as
// grpc-status trailers (Trailers-Only on failure).
import { Code } from "@connectrpc/connect";
import { constants as http2constants, type Http2ServerRequest, type Http2ServerResponse } from "node:http2";
import { StoreError } from "../errors.ts";
import type { StoreCallOptions } from "../types.ts";
import { toConnectError } from "./codes.ts";
import type { GrpcServerMetrics } from "./metrics.ts";
import { beginRawCall } from "./raw-call.ts";
import { CODECS, grpcMessage, readBody, unwrapRequest, writable } from "./series-fast.ts";

export const REMOTE_WRITE_PATH = "/thanos.WriteableStore/RemoteWrite";

export type RawRemoteWrite = (msg: Uint8Array, opts: StoreCallOptions) => Promise<void>;

// WriteResponse has no fields: its encoding is empty, so the response is a bare 5-byte frame
// header (uncompressed, length 0).
const EMPTY_RESPONSE_FRAME = new Uint8Array(5);

export function createRemoteWriteHandler(write: RawRemoteWrite, metrics?: GrpcServerMetrics) {
  return (req: Http2ServerRequest, res: Http2ServerResponse): void => {
    // handle() catches everything itself; this only keeps a bug there from becoming an
    // unhandled rejection that would take the process down.
    handle(write, metrics, req, res).catch(() => {
      if (!res.destroyed) res.stream.close(http2constants.NGHTTP2_INTERNAL_ERROR);
    });
  };
}

async function handle(write: RawRemoteWrite, m: GrpcServerMetrics | undefined, req: Http2ServerRequest, res: Http2ServerResponse): Promise<void> {
  const call = beginRawCall(m, { grpc_service: "thanos.WriteableStore", grpc_method: "RemoteWrite", grpc_type: "unary" }, req, res);
  const signal = call.signal;
  // The answer (or failure) of the call races its deadline and cancellation, as with connect: a
  // write that outlives them carries on, but the client is answered at once.
  const aborted = new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
  aborted.catch(() => {});
  let code = "OK";
  try {
    // The body is read before anything can fail: answering while the client is still sending
    // makes the HTTP/2 stream end in a reset, which clients report instead of our status.
    const body = await Promise.race([readBody(req, signal), aborted]);
    const encoding = String(req.headers["grpc-encoding"] ?? "identity");
    const codec = CODECS[encoding];
    if (encoding !== "identity" && !codec) {
      throw new StoreError("Unimplemented", `grpc-encoding ${encoding} is not supported (snappy, gzip, identity)`);
    }
    const msg = unwrapRequest(body, codec);
    await Promise.race([write(msg, { signal, timeoutMs: call.timeoutMs }), aborted]);
    if (writable(res)) {
      res.writeHead(200, { "content-type": "application/grpc", "grpc-accept-encoding": "snappy,gzip,identity" });
      res.write(EMPTY_RESPONSE_FRAME);
      res.addTrailers({ "grpc-status": "0" });
    }
  } catch (e) {
    const ce = toConnectError(signal.aborted ? signal.reason : e);
    code = Code[ce.code];
    // Nothing can be sent once the client has reset the stream.
    if (writable(res) && !res.headersSent) {
      res.writeHead(200, { "content-type": "application/grpc", "grpc-status": String(ce.code), "grpc-message": grpcMessage(ce.rawMessage) }); // Trailers-Only
    }
  } finally {
    call.finish(code);
    if (writable(res)) res.end();
  }
}
