// Entry point of the kernels module: one wasm instance, one linear memory shared by every
// kernel, so a pipeline (decode -> merge -> downsample) never copies between modules.
export * from "./arena";
export * from "./dedup";
export * from "./downsample";
export * from "./xor";
export * from "./xxhash";
