export { SnappyError, snappyBlockDecode, snappyBlockDecodedLength, snappyBlockEncode } from "./block.ts";
export { STREAM_IDENTIFIER, maskedCrc32c, snappyFramedDecode, snappyFramedEncode } from "./framed.ts";
