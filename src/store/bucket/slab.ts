// Storage for the index cache's values that costs the JS heap almost nothing per value. A cached
// series entry is a few hundred bytes; held as its own Uint8Array it costs about as much again
// in wrapper objects and a malloc block, and the wrappers live in the JS heap, where V8's
// collection thresholds multiply them. Here small values are copied into shared 64 KiB slabs,
// each prefixed by its length, and the cache keeps only a number per value: the slab's index
// and the offset inside it (a "handle"). A slab is freed once no stored value lives in it.
// Because the cache evicts in recency order and moves a value into the current slab whenever it
// is used again, slabs empty in the order they were filled and few are pinned by stragglers.
import { putUvarint, readUvarint, uvarintSize } from "../../tsdb/encoding/index.ts";

export const SLAB_BYTES = 64 * 1024;
// Values at least this big are not stored here (the cache keeps them as their own buffer).
export const SLAB_MAX_VALUE = 8 * 1024;

interface Slab {
  bytes: Uint8Array;
  live: number; // values stored in it and not yet freed
}

export class SlabStore {
  private readonly slabs = new Map<number, Slab>();
  private current = -1;
  private used = SLAB_BYTES; // bytes used in the current slab (full: a new one is needed)

  // Copies v (shorter than SLAB_MAX_VALUE) in and returns its handle.
  put(v: Uint8Array): number {
    const need = uvarintSize(v.byteLength) + v.byteLength;
    if (this.used + need > SLAB_BYTES) {
      if (this.slabs.get(this.current)?.live === 0) this.slabs.delete(this.current);
      this.current++;
      this.slabs.set(this.current, { bytes: new Uint8Array(SLAB_BYTES), live: 0 });
      this.used = 0;
    }
    const slab = this.slabs.get(this.current)!;
    const at = this.used;
    const p = putUvarint(slab.bytes, at, v.byteLength);
    slab.bytes.set(v, p);
    this.used = p + v.byteLength;
    slab.live++;
    return this.current * SLAB_BYTES + at;
  }

  // The stored bytes (a view into the slab: valid until the handle is freed).
  get(handle: number): Uint8Array {
    const slab = this.slab(handle);
    const d = readUvarint(slab.bytes, handle % SLAB_BYTES);
    return slab.bytes.subarray(d.next, d.next + d.value);
  }

  // Whether the handle is in the slab new values go to (so moving it would gain nothing).
  isCurrent(handle: number): boolean {
    return Math.floor(handle / SLAB_BYTES) === this.current;
  }

  free(handle: number): void {
    const idx = Math.floor(handle / SLAB_BYTES);
    const slab = this.slab(handle);
    if (--slab.live === 0 && idx !== this.current) this.slabs.delete(idx);
  }

  get slabCount(): number {
    return this.slabs.size;
  }

  private slab(handle: number): Slab {
    const s = this.slabs.get(Math.floor(handle / SLAB_BYTES));
    if (!s) throw new Error(`index cache: no slab for handle ${handle}`);
    return s;
  }
}
