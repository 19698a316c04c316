// The TS side owns the layout of linear memory: it asks for the base of the free region and
// grows memory itself. Kernels only read and write the pointers they are handed.
export function heapBase(): usize {
  return (__heap_base + 15) & ~15;
}

export function memoryPages(): i32 {
  return memory.size();
}

// Grows memory by `pages` 64 KiB pages; returns the previous size or -1 on failure.
export function growMemory(pages: i32): i32 {
  return memory.grow(pages);
}
