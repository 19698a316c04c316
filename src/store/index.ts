// StoreAPI: the interface every store implements, errors, matcher conversion, and (in
// subfolders) the gRPC server/client, the proxy (fan-out) store and an in-memory store.
export * from "./types.ts";
export * from "./errors.ts";
export { externalLabelsMatch, matchersFromProto, matchersToProto } from "./matchers.ts";
export { buildInfo, MAX_TIME, MIN_TIME, type ComponentType, type StoreInfoInit } from "./info.ts";
export { hasExemplarsAPI, hasMetadataAPI, type ExemplarsAPI, type MetadataAPI } from "./metadata-exemplars.ts";
