export { runtimeName, runtimeVersion, type RuntimeName } from "./detect.ts";
export { readBytes, readText } from "./files.ts";
export { kernelsWasmBytes } from "./wasm.ts";
export { listenHttp, splitHostPort, type FetchHandler, type RunningServer } from "./http.ts";
export { onShutdown } from "./signals.ts";
export { setHeapGrowthPercent, type HeapGrowthResult } from "./heap.ts";
