// StoreError <-> gRPC status mapping.
import { Code, ConnectError } from "@connectrpc/connect";
import { StoreError, type StoreErrorCode, toStoreError } from "../errors.ts";

const TO_CODE: Record<StoreErrorCode, Code> = {
  InvalidArgument: Code.InvalidArgument,
  ResourceExhausted: Code.ResourceExhausted,
  Unavailable: Code.Unavailable,
  DeadlineExceeded: Code.DeadlineExceeded,
  Canceled: Code.Canceled,
  Internal: Code.Internal,
  NotFound: Code.NotFound,
  Unimplemented: Code.Unimplemented,
  FailedPrecondition: Code.FailedPrecondition,
  Aborted: Code.Aborted,
  AlreadyExists: Code.AlreadyExists,
  Unknown: Code.Unknown,
};

const FROM_CODE = new Map<Code, StoreErrorCode>(Object.entries(TO_CODE).map(([k, v]) => [v, k as StoreErrorCode]));

export function toConnectError(e: unknown): ConnectError {
  if (e instanceof ConnectError) return e;
  const se = toStoreError(e);
  return new ConnectError(se.message, TO_CODE[se.code], undefined, undefined, e);
}

export function fromConnectError(e: unknown, endpoint: string): StoreError {
  if (e instanceof StoreError) return e;
  const ce = ConnectError.from(e);
  const code = FROM_CODE.get(ce.code) ?? "Unknown";
  return new StoreError(code, `${endpoint}: ${ce.rawMessage}`, { cause: e });
}
