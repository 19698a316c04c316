export { Querier, type QuerierOptions } from "./querier.ts";
export { StoreQueryable, type StoreQueryableOptions } from "./store-queryable.ts";
export { aggrForFunc, isCounterFunc, type AggrChoice } from "./aggregates.ts";
export { seriesSamples } from "./series-samples.ts";
