// Chunk encoding byte as stored in segment files (tsdb/chunkenc). This is the TSDB enum; StoreAPI
// (storepb) and remote read (prompb) have their own numbering: map explicitly at those borders.
export const enum ChunkEncoding {
  None = 0,
  XOR = 1,
  Histogram = 2,
  FloatHistogram = 3,
  XOR2 = 4,
  HistogramST = 5,
  FloatHistogramST = 6,
  // Thanos downsampled AggrChunk (count, sum, min, max, counter sub-chunks).
  Aggr = 0xff,
}

export function chunkEncodingName(e: number): string {
  switch (e) {
    case 0:
      return "none";
    case 1:
      return "XOR";
    case 2:
      return "histogram";
    case 3:
      return "floathistogram";
    case 4:
      return "XOR2";
    case 5:
      return "histogramST";
    case 6:
      return "floathistogramST";
    case 0xff:
      return "aggr";
    default:
      return `<unknown ${e}>`;
  }
}

// A chunk as read from or written to a segment file.
export interface RawChunk {
  encoding: number;
  data: Uint8Array;
}
