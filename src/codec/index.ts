export { xxhash64, xxhash64Hex, xxhash64Into } from "./xxhash64.ts";
export * from "./snappy/index.ts";
