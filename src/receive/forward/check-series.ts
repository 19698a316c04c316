// Per-series validation of a thanos.WriteRequest, shared by the protobuf-es path
// (fromWriteRequest) and the raw wire decoder (decode-write-request.ts) so both refuse exactly
// the same series with the same reasons: labels by Thanos's rules first, then timestamps the
// TSDB can store.
import type { Label } from "../../labels/index.ts";
import { describeSeries } from "../remote-write/decoded.ts";
import { validateLabels } from "../remote-write/index.ts";

// Same wording as the HTTP remote-write path. The offending value is not quoted: the raw
// decoder only has it as a JS number, which is not exact beyond 2^53.
export const TIMESTAMP_OUT_OF_RANGE = "sample timestamp outside ±2^52 ms";

// Null when the series may be stored, else the reason it is refused.
export function seriesProblem(labels: readonly Label[], badTimestamp: boolean): string | null {
  return validateLabels(labels) ?? (badTimestamp ? TIMESTAMP_OUT_OF_RANGE : null);
}

export function invalidSeriesMessage(why: string, labels: readonly Label[]): string {
  return `${why}: ${describeSeries(labels)}`;
}
