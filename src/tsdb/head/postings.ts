// Inverted index of the head: label name -> value -> refs of series carrying that pair. Used
// to narrow a selection before matchers are checked one series at a time.
export class Postings {
  private readonly index = new Map<string, Map<string, Set<number>>>();

  add(ref: number, labels: readonly { name: string; value: string }[]): void {
    for (const l of labels) {
      let byValue = this.index.get(l.name);
      if (!byValue) this.index.set(l.name, (byValue = new Map()));
      let refs = byValue.get(l.value);
      if (!refs) byValue.set(l.value, (refs = new Set()));
      refs.add(ref);
    }
  }

  delete(ref: number, labels: readonly { name: string; value: string }[]): void {
    for (const l of labels) {
      const byValue = this.index.get(l.name);
      const refs = byValue?.get(l.value);
      if (!refs) continue;
      refs.delete(ref);
      if (refs.size === 0) byValue!.delete(l.value);
      if (byValue!.size === 0) this.index.delete(l.name);
    }
  }

  get(name: string, value: string): Set<number> | undefined {
    return this.index.get(name)?.get(value);
  }

  labelNames(): string[] {
    return [...this.index.keys()].sort();
  }

  labelValues(name: string): string[] {
    return [...(this.index.get(name)?.keys() ?? [])].sort();
  }
}
