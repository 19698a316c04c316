export { ProxyStore, type ProxyStoreOptions } from "./proxy.ts";
export { EndpointSet, endpointMatches, endpointLabelSets, type ProxyEndpoint } from "./endpoints.ts";
export { aggrChunkKey, dedupChunks } from "./dedup.ts";
