// The compactor's metrics, with Thanos's names so dashboards and alerts carry over.
import { Registry, type Counter } from "../observability/index.ts";

export function compactorMetrics(reg: Registry = new Registry()) {
  return {
    registry: reg,
    iterations: reg.counter({ name: "thanos_compact_iterations_total", help: "Total number of iterations that were executed successfully." }),
    halted: reg.gauge({ name: "thanos_compact_halted", help: "Set to 1 if the compactor halted due to an unexpected error (here: any stream halted)." }),
    haltedGroups: reg.gauge({ name: "aeon_compact_halted_streams", help: "Number of streams currently halted (overlapping blocks without vertical compaction)." }),
    runsStarted: reg.counter({ name: "thanos_compact_group_compaction_runs_started_total", help: "Total number of group compaction attempts.", labelNames: ["resolution"] }),
    runsCompleted: reg.counter({ name: "thanos_compact_group_compaction_runs_completed_total", help: "Total number of group completed compaction runs.", labelNames: ["resolution"] }),
    compactions: reg.counter({ name: "thanos_compact_group_compactions_total", help: "Total number of group compaction attempts that resulted in a new block.", labelNames: ["resolution"] }),
    verticalCompactions: reg.counter({ name: "thanos_compact_group_vertical_compactions_total", help: "Total number of group compaction attempts that resulted in a new block based on overlapping blocks.", labelNames: ["resolution"] }),
    compactionFailures: reg.counter({ name: "thanos_compact_group_compactions_failures_total", help: "Total number of failed group compactions.", labelNames: ["resolution"] }),
    downsamples: reg.counter({ name: "thanos_compact_downsample_total", help: "Total number of downsampling attempts.", labelNames: ["resolution"] }),
    downsampleFailures: reg.counter({ name: "thanos_compact_downsample_failures_total", help: "Total number of failed downsampling attempts.", labelNames: ["resolution"] }),
    blocksMarked: preset(reg.counter({ name: "thanos_compact_blocks_marked_total", help: "Total number of blocks marked in compactor.", labelNames: ["marker", "reason"] }), [
      // The series Thanos exports from the start (at 0), so alerts on increase() see the first mark.
      { marker: "no-compact-mark.json", reason: "block-index-out-of-order-chunk" },
      { marker: "no-compact-mark.json", reason: "index-size-exceeding" },
      { marker: "deletion-mark.json", reason: "" },
    ]),
    markedForDeletion: reg.counter({ name: "thanos_compactor_blocks_marked_for_deletion_total", help: "Total number of blocks marked for deletion in compactor." }),
    blocksCleaned: reg.counter({ name: "thanos_compactor_blocks_cleaned_total", help: "Total number of blocks deleted in compactor." }),
    cleanupFailures: reg.counter({ name: "thanos_compactor_block_cleanup_failures_total", help: "Failures encountered while deleting blocks in compactor." }),
    garbageCollections: reg.counter({ name: "thanos_compact_garbage_collection_total", help: "Total number of garbage collection operations." }),
    partialDeletions: reg.counter({ name: "thanos_compact_aborted_partial_uploads_deletion_attempts_total", help: "Total number of started deletions of blocks that are assumed aborted and only partially uploaded." }),
  };
}

function preset(c: Counter, labelSets: Record<string, string>[]): Counter {
  for (const l of labelSets) c.labels(l);
  return c;
}

export type CompactorMetrics = ReturnType<typeof compactorMetrics>;
