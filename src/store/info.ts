// Building the InfoResponse a StoreAPI component serves (thanos.info.Info): external label sets,
// component type, time range and capabilities, from plain values.
import { create } from "@bufbuild/protobuf";
import { InfoResponseSchema, StoreInfoSchema, TSDBInfoSchema, type InfoResponse } from "../gen/thanos/info/rpc_pb.ts";
import { LabelSchema, ZLabelSetSchema } from "../gen/thanos/store/types_pb.ts";
import type { Labels } from "../labels/index.ts";

export type ComponentType = "query" | "rule" | "sidecar" | "store" | "receive" | "debug";

// Thanos's "no bound" values for store time ranges.
export const MIN_TIME = -(2n ** 63n);
export const MAX_TIME = 2n ** 63n - 1n;

export interface StoreInfoInit {
  componentType: ComponentType;
  // External label sets (one per tenant/TSDB for receive); sorted by name inside each set.
  labelSets: Labels[];
  minTime: bigint | number;
  maxTime: bigint | number;
  supportsSharding?: boolean;
  supportsWithoutReplicaLabels?: boolean;
  tsdbInfos?: { labels: Labels; minTime: bigint | number; maxTime: bigint | number }[];
}

const labelSet = (ls: Labels) => create(ZLabelSetSchema, { labels: ls.map((l) => create(LabelSchema, { name: l.name, value: l.value })) });

export function buildInfo(init: StoreInfoInit): InfoResponse {
  return create(InfoResponseSchema, {
    labelSets: init.labelSets.map(labelSet),
    ComponentType: init.componentType,
    store: create(StoreInfoSchema, {
      minTime: BigInt(init.minTime),
      maxTime: BigInt(init.maxTime),
      supportsSharding: init.supportsSharding ?? false,
      supportsWithoutReplicaLabels: init.supportsWithoutReplicaLabels ?? false,
      tsdbInfos: (init.tsdbInfos ?? []).map((t) =>
        create(TSDBInfoSchema, { labels: labelSet(t.labels), minTime: BigInt(t.minTime), maxTime: BigInt(t.maxTime) }),
      ),
    }),
  });
}
