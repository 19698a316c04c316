// A StoreAPI endpoint reached over gRPC (h2c), implementing StoreClient so the proxy and the
// querier treat local and remote stores alike. Offers "snappy" (framed) compression when asked,
// accepts snappy/gzip answers, raises message limits to Thanos's, passes the caller's AbortSignal
// and per-call timeout as the gRPC deadline, and turns gRPC statuses into StoreErrors.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { Info, InfoResponseSchema, StoreInfoSchema, type InfoResponse } from "../../gen/thanos/info/rpc_pb.ts";
import {
  SeriesResponseSchema,
  Store,
  StoreType,
  WriteableStore,
  type LabelNamesRequest,
  type LabelNamesResponse,
  type LabelValuesRequest,
  type LabelValuesResponse,
  type SeriesRequest,
  type SeriesResponse,
  type WriteRequest,
} from "../../gen/thanos/store/rpc_pb.ts";
import { ZLabelSetSchema } from "../../gen/thanos/store/types_pb.ts";
import { Exemplars, type ExemplarsRequest, type ExemplarsResponse } from "../../gen/thanos/exemplars/rpc_pb.ts";
import { Metadata, type MetricMetadataRequest, type MetricMetadataResponse } from "../../gen/thanos/metadata/rpc_pb.ts";
import type { ExemplarsAPI, MetadataAPI } from "../metadata-exemplars.ts";
import { StoreError } from "../errors.ts";
import type { StoreCallOptions, StoreClient } from "../types.ts";
import { fromConnectError } from "./codes.ts";
import { callSeries, Http2Channel } from "./series-client.ts";
import { acceptedCompressions, compressionByName, type CompressionName, HTTP2_WINDOW_BYTES, MAX_MESSAGE_BYTES } from "./compression.ts";

export interface StoreClientOptions {
  // host:port (h2c), or a full http:// base URL.
  address: string;
  // Request compression; responses in snappy/gzip are always accepted. Default "none" as Thanos.
  compression?: CompressionName;
  // Deadline applied to every call that has none of its own.
  timeoutMs?: number;
  // Name in warnings and errors (default: the address).
  name?: string;
  // Series goes over our own HTTP/2 streaming path (default) or through connect's client
  // ("connect"; slower, kept for comparison and as a fallback).
  seriesTransport?: "fast" | "connect";
}

// thanos.Metadata and thanos.Exemplars are always callable; servers without them answer
// Unimplemented (a querier only calls endpoints whose Info advertises them).
export interface GrpcStoreClient extends StoreClient, MetadataAPI, ExemplarsAPI {
  remoteWrite(req: WriteRequest, opts?: StoreCallOptions): Promise<void>;
  close(): Promise<void>;
}

const STORE_TYPE_NAMES: Record<number, string> = {
  [StoreType.QUERY]: "query",
  [StoreType.RULE]: "rule",
  [StoreType.SIDECAR]: "sidecar",
  [StoreType.STORE]: "store",
  [StoreType.RECEIVE]: "receive",
  [StoreType.DEBUG]: "debug",
};

export function createStoreClient(opts: StoreClientOptions): GrpcStoreClient {
  const baseUrl = /^https?:\/\//.test(opts.address) ? opts.address : `http://${opts.address}`;
  const name = opts.name ?? opts.address;
  const sessionManager = new Http2SessionManager(baseUrl, { idleConnectionTimeoutMs: 60_000 }, { settings: { initialWindowSize: HTTP2_WINDOW_BYTES } });
  const transport = createGrpcTransport({
    baseUrl,
    sessionManager,
    acceptCompression: acceptedCompressions,
    sendCompression: compressionByName(opts.compression),
    compressMinBytes: 1024,
    readMaxBytes: MAX_MESSAGE_BYTES,
    writeMaxBytes: MAX_MESSAGE_BYTES,
    defaultTimeoutMs: opts.timeoutMs,
  });
  const channel = new Http2Channel(baseUrl);
  const store: Client<typeof Store> = createClient(Store, transport);
  const info: Client<typeof Info> = createClient(Info, transport);
  const writeable: Client<typeof WriteableStore> = createClient(WriteableStore, transport);
  const metadata: Client<typeof Metadata> = createClient(Metadata, transport);
  const exemplars: Client<typeof Exemplars> = createClient(Exemplars, transport);
  const callOpts = (o?: StoreCallOptions) => ({ signal: o?.signal, timeoutMs: o?.timeoutMs });
  const wrap = async <T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      throw callError(e, name, signal);
    }
  };

  return {
    name,
    async info(o) {
      try {
        return await info.info({}, callOpts(o));
      } catch (e) {
        // Thanos before v0.37 (and other old StoreAPI servers) only have thanos.Store/Info.
        if (ConnectError.from(e).code !== Code.Unimplemented) throw callError(e, name, o?.signal);
      }
      const legacy = await wrap(() => store.info({}, callOpts(o)), o?.signal);
      return create(InfoResponseSchema, {
        labelSets: legacy.labelSets.map((s) => create(ZLabelSetSchema, { labels: s.labels })),
        ComponentType: STORE_TYPE_NAMES[legacy.storeType] ?? "",
        store: create(StoreInfoSchema, { minTime: legacy.minTime, maxTime: legacy.maxTime }),
      }) as InfoResponse;
    },
    series(req: SeriesRequest, o?: StoreCallOptions): AsyncIterable<SeriesResponse> {
      // Our own controller, so a consumer that stops iterating early really cancels the call
      // (connect only stops reading; the server would keep producing until its deadline).
      const stop = new AbortController();
      const signal = o?.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
      if (opts.seriesTransport === "connect") {
        return unbatch(() => store.series(req, { signal, timeoutMs: o?.timeoutMs ?? opts.timeoutMs }), name, o?.signal, stop);
      }
      const compression = opts.compression === "snappy" || opts.compression === "gzip" ? opts.compression : undefined;
      return unbatch(() => callSeries(channel, req, { signal, timeoutMs: o?.timeoutMs ?? opts.timeoutMs, compression, name }), name, o?.signal, stop);
    },
    labelNames(req: LabelNamesRequest, o?: StoreCallOptions): Promise<LabelNamesResponse> {
      return wrap(() => store.labelNames(req, callOpts(o)), o?.signal);
    },
    labelValues(req: LabelValuesRequest, o?: StoreCallOptions): Promise<LabelValuesResponse> {
      return wrap(() => store.labelValues(req, callOpts(o)), o?.signal);
    },
    metricMetadata(req: MetricMetadataRequest, o?: StoreCallOptions): AsyncIterable<MetricMetadataResponse> {
      return mapErrors(() => metadata.metricMetadata(req, callOpts(o)), name, o?.signal);
    },
    exemplars(req: ExemplarsRequest, o?: StoreCallOptions): AsyncIterable<ExemplarsResponse> {
      return mapErrors(() => exemplars.exemplars(req, callOpts(o)), name, o?.signal);
    },
    async remoteWrite(req, o) {
      await wrap(() => writeable.remoteWrite(req, callOpts(o)), o?.signal);
    },
    async close() {
      sessionManager.abort();
      channel.close();
    },
  };
}

// Yields one Series per response whether or not the server batched them (field 4).
async function* unbatch(
  call: () => AsyncIterable<SeriesResponse>,
  name: string,
  signal: AbortSignal | undefined,
  stop: AbortController,
): AsyncGenerator<SeriesResponse> {
  let complete = false;
  try {
    for await (const r of call()) {
      if (r.result.case === "batch") {
        for (const s of r.result.value.series) yield create(SeriesResponseSchema, { result: { case: "series", value: s } });
      } else {
        yield r;
      }
    }
    complete = true;
  } catch (e) {
    throw callError(e, name, signal);
  } finally {
    if (!complete) stop.abort(new DOMException("series stream abandoned by the caller", "AbortError"));
  }
}

// A server stream with gRPC statuses turned into StoreErrors.
async function* mapErrors<T>(call: () => AsyncIterable<T>, name: string, signal: AbortSignal | undefined): AsyncGenerator<T> {
  try {
    yield* call();
  } catch (e) {
    throw callError(e, name, signal);
  }
}

// A caller's AbortSignal.timeout() shows up as a client-side cancel; report it as the deadline
// it really was.
function callError(e: unknown, name: string, signal: AbortSignal | undefined) {
  const err = fromConnectError(e, name);
  if (err.code === "Canceled" && (signal?.reason as Error | undefined)?.name === "TimeoutError") {
    return new StoreError("DeadlineExceeded", err.message, { cause: e });
  }
  return err;
}
