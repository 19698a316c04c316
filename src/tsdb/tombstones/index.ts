export {
  TOMBSTONES_MAGIC,
  addInterval,
  decodeTombstones,
  encodeTombstones,
  isDeleted,
  tombstoneCount,
  tombstoneEntries,
  type Interval,
  type Tombstone,
  type TombstoneMap,
} from "./tombstones.ts";
