// Remote write 1.0 and 2.0 request decoding and validation, hand-written on the protobuf wire
// format (no generated code on the ingest hot path).
export { decodeWriteRequestV1 } from "./v1.ts";
export { decodeWriteRequestV2 } from "./v2.ts";
export { ProtoError, ProtoReader, Utf8Error } from "./protowire.ts";
export { validateLabels, validTimestamp, type DecodedWrite } from "./decoded.ts";
export { detectVersion, decodeRemoteWrite, RemoteWriteError, V1_PROTO, V2_PROTO, type RemoteWriteVersion, type DecodeLimits } from "./request.ts";
