// Errors from S3 carry what an operator needs to act: the operation, the object, the HTTP status
// and S3's own error code and message (e.g. 403 SignatureDoesNotMatch => wrong secret_key).
import { xmlText } from "./xml.ts";

export class S3Error extends Error {
  readonly status: number;
  readonly code: string;
  readonly s3Message: string;
  readonly requestId: string;
  /** The bucket's real region, when S3 says the request was signed for the wrong one. */
  region?: string;

  constructor(op: string, status: number, code: string, s3Message: string, requestId = "") {
    const hint = AUTH_ERROR_CODES.has(code) || status === 403 ? " [check access_key, secret_key, region and the bucket's permissions]" : "";
    const msg = `${op}: HTTP ${status} ${code}${s3Message ? `: ${s3Message}` : ""}${requestId ? ` (request id ${requestId})` : ""}${hint}`;
    super(msg);
    this.name = "S3Error";
    this.status = status;
    this.code = code;
    this.s3Message = s3Message;
    this.requestId = requestId;
  }
}

/** Codes S3 uses for failed authentication: the usual result of a wrong key pair or region. */
export const AUTH_ERROR_CODES = new Set([
  "SignatureDoesNotMatch",
  "InvalidAccessKeyId",
  "AccessDenied",
  "AuthorizationHeaderMalformed",
  "RequestTimeTooSkewed",
]);

// HEAD responses have no body, so the code is inferred from the status.
const STATUS_CODES: Record<number, string> = {
  400: "BadRequest",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  409: "Conflict",
  412: "PreconditionFailed",
  416: "InvalidRange",
  429: "TooManyRequests",
  500: "InternalError",
  501: "NotImplemented",
  503: "ServiceUnavailable",
};

export function s3ErrorFromBody(op: string, status: number, body: string, requestId = ""): S3Error {
  const code = xmlText(body, "Code") ?? STATUS_CODES[status] ?? `HTTP${status}`;
  const message = xmlText(body, "Message") ?? (body.trim().startsWith("<") ? "" : body.trim().slice(0, 200));
  const err = new S3Error(op, status, code, message, xmlText(body, "RequestId") ?? requestId);
  err.region = xmlText(body, "Region");
  return err;
}
