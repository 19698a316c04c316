// thanos.WriteableStore/RemoteWrite served by a receiver: writes routed here by other receivers
// (replica > 0: stored locally, never forwarded again) or sent by a client directly (replica 0:
// routed like an HTTP remote write). Failures become the gRPC codes Thanos uses.
// The gRPC server hands over the request's raw bytes (remoteWriteBytes), decoded here without a
// JS number in the value's path so forwarded stale markers keep their bits on Bun;
// remoteWrite (an already decoded message) serves generic connect routers.
import type { WriteRequest } from "../../gen/thanos/store/rpc_pb.ts";
import type { WriteableStoreServer } from "../../store/grpc/index.ts";
import { StoreError } from "../../store/errors.ts";
import type { Receiver } from "../receiver.ts";
import { writeLocal } from "../local-write.ts";
import { tenantError } from "../tenants.ts";
import { ProtoError } from "../remote-write/index.ts";
import { fromWriteRequest, type ReceivedWrite } from "./convert.ts";
import { decodeWriteRequest } from "./decode-write-request.ts";
import { errorForStatus } from "./status.ts";

export function receiverWriteable(rx: Receiver): WriteableStoreServer {
  async function write(reqTenant: string, replica: number, w: ReceivedWrite): Promise<void> {
    if (!rx.isReady) throw new StoreError("Unavailable", "receiver is not ready");
    const tenant = reqTenant || rx.defaultTenant;
    const bad = tenantError(tenant);
    if (bad) throw new StoreError("InvalidArgument", bad);
    const res = replica > 0 || !rx.router ? await writeLocal(rx, tenant, w.batch) : await rx.router.write(tenant, w.batch, 0);
    if (w.invalidSeries > 0) throw new StoreError("InvalidArgument", `${w.invalidSeries} series refused: ${w.firstInvalid}`);
    if (res.status !== 200) throw errorForStatus(res.status, res.message);
    if (w.histograms > 0) throw new StoreError("InvalidArgument", `${w.histograms} native histogram samples refused: not supported by this receiver yet`);
  }
  return {
    remoteWrite(req: WriteRequest): Promise<void> {
      return write(req.tenant, Number(req.replica), fromWriteRequest(req));
    },
    remoteWriteBytes(msg: Uint8Array): Promise<void> {
      let d;
      try {
        d = decodeWriteRequest(msg);
      } catch (e) {
        // Internal, as connect (and grpc-go) answer a request message that does not parse.
        if (e instanceof ProtoError) throw new StoreError("Internal", `cannot decode thanos.WriteRequest: ${e.message}`);
        throw e;
      }
      return write(d.tenant, d.replica, d.write);
    },
  };
}
