export { type ByteSource, ByteSourceRangeError, MemoryByteSource, CountingByteSource, checkRange } from "./bytesource.ts";
export { FileByteSource } from "./file.ts";
export { runLimited } from "./limit.ts";
