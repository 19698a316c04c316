// One prometheus.Label message (name=1, value=2), shared by the remote-write 1.0 decoder and the
// decoder of writes forwarded between receivers (thanos.WriteRequest uses the same Label).
import type { Label } from "../../labels/index.ts";
import { FNV_OFFSET, mixHash } from "../../tsdb/head/hash.ts";
import { ProtoError, ProtoReader, lastStringHash } from "./protowire.ts";

// Decodes the label in r's current message, appends it to `labels`, and returns `hash` with the
// label folded in: the head's series hash, built from the FNV-1a hashes ProtoReader.string()
// leaves behind, so the strings are not hashed a second time.
export function decodeLabelInto(r: ProtoReader, labels: Label[], hash: number): number {
  let name = "";
  let value = "";
  let nameHash = FNV_OFFSET;
  let valueHash = FNV_OFFSET;
  while (r.pos < r.end) {
    const tag = r.tag();
    if (tag === ((1 << 3) | 2)) {
      name = r.string();
      nameHash = lastStringHash;
    } else if (tag === ((2 << 3) | 2)) {
      value = r.string();
      valueHash = lastStringHash;
    } else if (tag >>> 3 <= 2) throw new ProtoError(`Label field ${tag >>> 3} has wire type ${tag & 7}`);
    else r.skip(tag & 7);
  }
  labels.push({ name, value });
  return mixHash(mixHash(hash, nameHash), valueHash);
}
