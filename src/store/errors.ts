// Errors a StoreAPI implementation throws, by gRPC status name. The gRPC layer maps them to
// status codes (and back, on the client), so implementations never import the RPC library.
export type StoreErrorCode =
  | "InvalidArgument"
  | "ResourceExhausted"
  | "Unavailable"
  | "DeadlineExceeded"
  | "Canceled"
  | "Internal"
  | "NotFound"
  | "Unimplemented"
  | "FailedPrecondition"
  | "Aborted"
  | "AlreadyExists"
  | "Unknown";

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
    this.code = code;
  }
}

export const invalidArgument = (msg: string): StoreError => new StoreError("InvalidArgument", msg);
export const resourceExhausted = (msg: string): StoreError => new StoreError("ResourceExhausted", msg);
export const unavailable = (msg: string): StoreError => new StoreError("Unavailable", msg);

// Classifies anything thrown (StoreError, AbortSignal reasons, plain errors) as a StoreError.
export function toStoreError(e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const err = e as { name?: string; message?: string } | undefined;
  if (err?.name === "TimeoutError") return new StoreError("DeadlineExceeded", err.message || "deadline exceeded", { cause: e });
  if (err?.name === "AbortError") return new StoreError("Canceled", err.message || "canceled", { cause: e });
  return new StoreError("Internal", err?.message ?? String(e), { cause: e });
}

// Throws the signal's reason as a StoreError when it is aborted (call between units of work).
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw toStoreError(signal.reason ?? new DOMException("canceled", "AbortError"));
}
