// thanos.WriteableStore/RemoteWrite served by a receiver: writes routed here by other receivers
// (replica > 0: stored locally, never forwarded again) or sent by a client directly (replica 0:
// routed like an HTTP remote write). Failures become the gRPC codes Thanos uses.
import type { WriteRequest } from "../../gen/thanos/store/rpc_pb.ts";
import type { WriteableStoreServer } from "../../store/grpc/index.ts";
import { StoreError } from "../../store/errors.ts";
import type { Receiver } from "../receiver.ts";
import { writeLocal } from "../local-write.ts";
import { tenantError } from "../tenants.ts";
import { fromWriteRequest } from "./convert.ts";
import { errorForStatus } from "./status.ts";

export function receiverWriteable(rx: Receiver): WriteableStoreServer {
  return {
    async remoteWrite(req: WriteRequest): Promise<void> {
      if (!rx.isReady) throw new StoreError("Unavailable", "receiver is not ready");
      const tenant = req.tenant || rx.defaultTenant;
      const bad = tenantError(tenant);
      if (bad) throw new StoreError("InvalidArgument", bad);
      const w = fromWriteRequest(req);
      const replica = Number(req.replica);
      const res = replica > 0 || !rx.router ? await writeLocal(rx, tenant, w.batch) : await rx.router.write(tenant, w.batch, 0);
      if (w.invalidSeries > 0) throw new StoreError("InvalidArgument", `${w.invalidSeries} series refused: ${w.firstInvalid}`);
      if (res.status !== 200) throw errorForStatus(res.status, res.message);
      if (w.histograms > 0) throw new StoreError("InvalidArgument", `${w.histograms} native histogram samples refused: not supported by this receiver yet`);
    },
  };
}
