// StoreAPI over local TSDBs (head + local blocks), one per tenant with its external labels.
export { TSDBStore, type TSDBStoreOptions, type TSDBTenant } from "./store.ts";
export { selectTSDB, splitExternalMatchers, withExternalLabels, type SelectedSeries, type SelectedChunk } from "./select.ts";
