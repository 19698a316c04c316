// TSDB blocks: meta.json, streaming writer, range-read reader, decoded sample access.
export * from "./meta.ts";
export { BlockWriter, BlockWriterError, DEFAULT_SAMPLES_PER_CHUNK, type BlockWriterOptions, type ChunkInput } from "./writer.ts";
export { BlockReader, openBlockDir, type BlockSources, type BlockReaderOptions } from "./reader.ts";
export { iterSeriesSamples, readSeriesSamples, type SeriesSamples, type SampleReadOptions } from "./samples.ts";
export { verifyBlock, type VerifyProblem, type VerifyOptions } from "./verify.ts";
