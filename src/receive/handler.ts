// POST /api/v1/receive. Status codes as Prometheus senders expect them (they retry 5xx and
// never other 4xx): 400 malformed, 409 conflicts with stored data (out of order, duplicate,
// too old), 413 over a request limit, 415 unsupported encoding, 429 over the tenant's series
// limit, 503 not ready, 500 when the WAL cannot be written. Valid series of a request are
// stored even when others are refused (Thanos does the same), and the answer names the
// first problem. Success is 200, as Thanos answers.
import { decodeRemoteWrite, detectVersion, RemoteWriteError, type DecodedWrite, type RemoteWriteVersion } from "./remote-write/index.ts";
import type { Receiver } from "./receiver.ts";
import { tenantError } from "./tenants.ts";
import { OK, writeLocal, type WriteOutcome } from "./local-write.ts";

const H_SAMPLES = "X-Prometheus-Remote-Write-Samples-Written";
const H_HISTOGRAMS = "X-Prometheus-Remote-Write-Histograms-Written";
const H_EXEMPLARS = "X-Prometheus-Remote-Write-Exemplars-Written";

export async function handleRemoteWrite(rx: Receiver, req: Request): Promise<Response> {
  let version: RemoteWriteVersion = "1.0";
  let written = 0;
  const reply = (status: number, msg: string) => {
    const headers: Record<string, string> = { "Content-Type": "text/plain; charset=utf-8" };
    if (version === "2.0") {
      headers[H_SAMPLES] = String(written);
      headers[H_HISTOGRAMS] = "0";
      headers[H_EXEMPLARS] = "0";
    }
    rx.metrics?.request(status);
    return new Response(status === 200 ? null : msg + "\n", { status, headers });
  };
  try {
    if (!rx.isReady) return reply(503, "receiver is not ready");
    const tenant = req.headers.get(rx.tenantHeader) || rx.defaultTenant;
    const badTenant = tenantError(tenant);
    if (badTenant) return reply(400, badTenant);
    version = detectVersion(req.headers.get("content-type"), req.headers.get("content-encoding"));

    const lim = rx.limits;
    const declared = Number(req.headers.get("content-length") ?? "NaN");
    if (lim.maxBodyBytes > 0 && declared > lim.maxBodyBytes) return reply(413, `request body of ${declared} bytes exceeds the limit of ${lim.maxBodyBytes}`);
    const body = new Uint8Array(await req.arrayBuffer());
    if (lim.maxBodyBytes > 0 && body.length > lim.maxBodyBytes) return reply(413, `request body of ${body.length} bytes exceeds the limit of ${lim.maxBodyBytes}`);

    const d = decodeRemoteWrite(body, version, lim);
    if (lim.maxSeriesPerRequest > 0 && d.series.length + d.invalidSeries > lim.maxSeriesPerRequest) {
      return reply(413, `request has ${d.series.length + d.invalidSeries} series, the limit is ${lim.maxSeriesPerRequest}`);
    }
    if (lim.maxSamplesPerRequest > 0 && d.samples > lim.maxSamplesPerRequest) {
      return reply(413, `request has ${d.samples} samples, the limit is ${lim.maxSamplesPerRequest}`);
    }

    // Valid series are stored (locally, or where the hashring puts them) even when others
    // were refused by validation; the answer then names the first refused series.
    let res: WriteOutcome = { ...OK };
    if (d.series.length > 0) {
      // A replica number > 0 (THANOS-REPLICA header) marks a write another router already
      // replicated: stored here, never forwarded again, as in Thanos.
      const replica = Number(req.headers.get(rx.replicaHeader) ?? "0");
      if (!Number.isInteger(replica) || replica < 0) return reply(400, `bad ${rx.replicaHeader} header: want a non-negative integer`);
      res = rx.router ? await rx.router.write(tenant, d, replica) : await writeLocal(rx, tenant, d);
      written = res.written;
    }
    return outcome(d, res, reply);
  } catch (e) {
    if (e instanceof RemoteWriteError) return reply(e.status, e.message);
    if (!rx.isReady) return reply(503, "receiver is shutting down"); // retried by the sender
    rx.opts.log?.("error", "remote write failed", { err: String(e) });
    return reply(500, `internal error: ${(e as Error).message ?? String(e)}`);
  }
}

function outcome(d: DecodedWrite, res: WriteOutcome, reply: (s: number, m: string) => Response): Response {
  if (res.status === 429) return reply(429, res.message); // nothing was stored
  if (d.invalidSeries > 0) return reply(400, `${d.invalidSeries} series refused: ${d.firstInvalid}`);
  if (res.status !== 200) return reply(res.status, res.message);
  if (d.histograms > 0) {
    // Native histograms are decoded but not stored yet (no histogram chunks in the head).
    return reply(400, `${d.histograms} native histogram samples refused: native histograms are not supported by this receiver yet`);
  }
  return reply(200, "");
}
