// Prometheus HTTP API v1 envelope: `{"status":"success","data":…,"warnings":[…],"infos":[…]}`
// or `{"status":"error","errorType":…,"error":…}` with the status codes Prometheus uses.
import type { ErrorKind } from "../promql/api.ts";

export type ApiErrorKind = ErrorKind | "not_found";

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
  ) {
    super(message);
  }
}

// `invalid parameter "time": cannot parse "x" to a valid timestamp`, as Prometheus words it.
export function invalidParam(name: string, err: unknown): ApiError {
  return new ApiError("bad_data", `invalid parameter ${JSON.stringify(name)}: ${errMessage(err)}`);
}

export function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function statusFor(kind: ApiErrorKind): number {
  switch (kind) {
    case "bad_data":
      return 400;
    case "execution":
      return 422;
    case "timeout":
    case "canceled":
    case "unavailable":
      return 503;
    case "not_found":
      return 404;
    default:
      return 500;
  }
}

// A fresh object per response: @hono/node-server writes Content-Length into the headers object
// it is given, so a shared constant would carry the first response's length into every other.
const jsonHeaders = (): Record<string, string> => ({ "content-type": "application/json" });

// `dataJson` is pre-serialised JSON (the value encoder writes large matrices as strings).
export function successResponse(dataJson: string, warnings: string[] = [], infos: string[] = []): Response {
  let body = `{"status":"success","data":${dataJson}`;
  if (warnings.length) body += `,"warnings":${JSON.stringify(warnings)}`;
  if (infos.length) body += `,"infos":${JSON.stringify(infos)}`;
  body += "}";
  return new Response(body, { status: 200, headers: jsonHeaders() });
}

export function errorResponse(kind: ApiErrorKind, message: string, warnings: string[] = []): Response {
  const body: Record<string, unknown> = { status: "error", errorType: kind, error: message };
  if (warnings.length) body.warnings = warnings;
  return new Response(JSON.stringify(body), { status: statusFor(kind), headers: jsonHeaders() });
}
