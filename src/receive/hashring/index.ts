// Receive hashrings: Thanos's JSON config, hashmod and ketama placement, the tenant-aware
// multi-ring, and a watcher that reloads the file when it changes.
export { parseHashringsConfig, HashringConfigError, type Endpoint, type HashringAlgorithm, type HashringConfig } from "./config.ts";
export { seriesHash, stringHash } from "./hash.ts";
export { HashmodRing, KetamaRing, MultiHashring, InsufficientNodesError, newRing, globToRegExp, SECTIONS_PER_NODE, type Hashring } from "./rings.ts";
export { HashringWatcher, type HashringWatcherOptions } from "./watch.ts";
