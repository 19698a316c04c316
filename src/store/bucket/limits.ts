// Per-request limits (--store.limits.request-series, --store.limits.request-samples): checked
// while series are selected and BEFORE any chunk is fetched, so an oversized query fails with
// ResourceExhausted instead of exhausting memory. Samples are estimated as Thanos does: 120 per
// chunk (Prometheus's default chunk size).
import { resourceExhausted } from "../errors.ts";

export const SAMPLES_PER_CHUNK_ESTIMATE = 120;

export class RequestLimiter {
  private series = 0;
  private chunks = 0;
  constructor(
    private readonly maxSeries: number,
    private readonly maxSamples: number,
  ) {}

  addSeries(n: number): void {
    this.series += n;
    if (this.maxSeries > 0 && this.series > this.maxSeries) {
      throw resourceExhausted(`exceeded series limit: limit ${this.maxSeries} violated (got ${this.series}); narrow the matchers or the time range`);
    }
  }

  addChunks(n: number): void {
    this.chunks += n;
    const samples = this.chunks * SAMPLES_PER_CHUNK_ESTIMATE;
    if (this.maxSamples > 0 && samples > this.maxSamples) {
      throw resourceExhausted(`exceeded samples limit: limit ${this.maxSamples} violated (got at least ${samples}, estimated as ${this.chunks} chunks x ${SAMPLES_PER_CHUNK_ESTIMATE}); narrow the matchers or the time range`);
    }
  }

  get seriesCount(): number {
    return this.series;
  }
  get chunkCount(): number {
    return this.chunks;
  }
}
