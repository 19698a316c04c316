// The sidecar next to a Prometheus: a StoreAPI over its remote-read and HTTP APIs, the
// metadata it needs (external labels, time range), and the shipper of its finished blocks.
export { ChunkedReadError, DEFAULT_CHUNKED_READ_LIMIT, encodeChunkedFrame, readChunkedFrames } from "./chunked-reader.ts";
export { MAX_INT64, MIN_INT64, NO_EXTERNAL_LABELS_MESSAGE, NoExternalLabelsError, oldestBlockMinTime, PromMetadata, type PromMetadataOptions } from "./metadata.ts";
export { PrometheusClient, REMOTE_READ_STREAMED_CONTENT_TYPE, selector, type TimeRange } from "./prom-client.ts";
export { readShipperState, Shipper, SHIPPER_STATE_FILE, type ShipperOptions, type ShipperState, type SyncResult } from "./shipper.ts";
export { finalLabels, PrometheusStore, stripExternalMatchers, type PrometheusStoreOptions } from "./store.ts";
export { parseGoFloat, PrometheusExemplars } from "./exemplars.ts";
export { PrometheusMetadata } from "./metric-metadata.ts";
