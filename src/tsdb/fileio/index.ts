export { BufferedFileWriter } from "./buffered-writer.ts";
