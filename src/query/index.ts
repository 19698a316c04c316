export { Querier, type QuerierOptions } from "./querier.ts";
export { StoreQueryable, type StoreQueryableOptions } from "./store-queryable.ts";
export { aggrForFunc, isCounterFunc, type AggrChoice } from "./aggregates.ts";
export { seriesSamples } from "./series-samples.ts";
export { MetadataProxy, type FanOutProxyOptions } from "./metadata-proxy.ts";
export { endpointQuery, ExemplarsProxy, type ExemplarsProxyOptions } from "./exemplars-proxy.ts";
export { MetadataMerger, type MetaEntry } from "./metadata-merge.ts";
export { compareExemplars, mergeExemplarData } from "./exemplars-merge.ts";
