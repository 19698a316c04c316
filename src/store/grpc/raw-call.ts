// Bookkeeping shared by the hand-written gRPC handlers (Series, RemoteWrite) that bypass
// connect: the started/handled/latency metrics, the call's deadline (grpc-timeout) and the
// client going away, both turned into an abort signal carrying a StoreError.
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { StoreError } from "../errors.ts";
import type { GrpcServerMetrics } from "./metrics.ts";
import { parseGrpcTimeout } from "./series-fast.ts";

export interface RawCall {
  signal: AbortSignal;
  timeoutMs: number | undefined;
  // Ends the call's bookkeeping with its gRPC code name ("OK", "InvalidArgument"…).
  finish(code: string): void;
}

export function beginRawCall(m: GrpcServerMetrics | undefined, labels: Record<string, string>, req: Http2ServerRequest, res: Http2ServerResponse): RawCall {
  const started = performance.now();
  m?.started.inc(1, labels);
  const abort = new AbortController();
  const timeoutMs = parseGrpcTimeout(req.headers["grpc-timeout"] as string | undefined);
  const timer = timeoutMs !== undefined ? setTimeout(() => abort.abort(new StoreError("DeadlineExceeded", "deadline exceeded")), timeoutMs) : undefined;
  let finished = false;
  res.on("close", () => {
    if (!finished) abort.abort(new StoreError("Canceled", "client canceled the call"));
  });
  return {
    signal: abort.signal,
    timeoutMs,
    finish(code: string) {
      finished = true;
      if (timer) clearTimeout(timer);
      m?.handled.inc(1, { ...labels, grpc_code: code });
      m?.handling.labels(labels).observeSince(started);
    },
  };
}
