// `aeon tools bucket ls|inspect|verify|upload|dump`: flags and printing only; the logic lives
// in src/tools/bucket/. Each sub-command is its own Command, registered under its two-word name
// in tools-subcommands.ts.
import type { Command } from "./command.ts";
import { bool, FlagError, list, str, type FlagSpec, type ParsedFlags } from "./flags.ts";
import { logFlags, loggerFrom } from "./common.ts";
import type { Logger } from "../observability/index.ts";
import { bucketFromFlags, type Bucket } from "../objstore/index.ts";
import type { Matcher } from "../labels/index.ts";
import { parse } from "../promql/parser/index.ts";
import {
  collectRows,
  dumpBucket,
  formatLs,
  inspectBucket,
  parseLabelFlags,
  parseSelectors,
  uploadBlocks,
  verifyBucket,
  type InspectOutput,
  type LsOutput,
} from "../tools/bucket/index.ts";

type Proc = { env: Record<string, string | undefined>; stdout?: { write(s: string): boolean; once(ev: string, f: () => void): void } };
const proc = (): Proc | undefined => (globalThis as { process?: Proc }).process;

const objstoreFlags: FlagSpec[] = [
  { name: "objstore.config-file", help: "Path to the objstore YAML (type: FILESYSTEM|S3, config: …)" },
  { name: "objstore.config", help: "The objstore YAML itself (alternative to --objstore.config-file)" },
];

// A missing, unreadable or invalid objstore config is a usage error (exit 2, one line).
async function bucketOf(f: ParsedFlags): Promise<Bucket> {
  let b: Bucket | undefined | null;
  try {
    b = await bucketFromFlags(str(f, "objstore.config-file") || undefined, str(f, "objstore.config") || undefined, proc()?.env ?? {});
  } catch (e) {
    throw new FlagError(e instanceof Error ? e.message : String(e));
  }
  if (!b) throw new FlagError("--objstore.config-file or --objstore.config is required");
  return b;
}

// Writes to stdout honouring back-pressure, so a large dump piped into `sort` never piles up.
function writeOut(text: string): Promise<void> | void {
  const out = proc()?.stdout;
  if (!out) {
    console.log(text.replace(/\n$/, ""));
    return;
  }
  if (out.write(text)) return;
  return new Promise((resolve) => out.once("drain", resolve));
}

// Errors from bad input or damaged data end the command with a message, not a stack trace.
async function guarded(name: string, f: ParsedFlags, body: (b: Bucket, log: Logger) => Promise<number>): Promise<number> {
  const log = loggerFrom(f, `tools-bucket-${name}`);
  const bucket = await bucketOf(f);
  try {
    return await body(bucket, log);
  } catch (e) {
    if (e instanceof FlagError) throw e;
    // Bad input (InspectError, UploadInputError, DumpInputError), damaged blocks
    // (CorruptionError, naming block and file) and bucket errors all end here with exit 1.
    log.error(`${name} failed`, { err: e instanceof Error ? e.message : String(e) });
    return 1;
  } finally {
    await bucket.close();
  }
}

export const bucketLsCommand: Command = {
  name: "bucket ls",
  summary: "List the blocks in the bucket: ULID, time range, resolution, level, labels, stats, size",
  flags: [...objstoreFlags, { name: "output", help: "table, wide or json", default: "table" }, ...logFlags],
  run: (f) =>
    guarded("ls", f, async (bucket, log) => {
      const output = str(f, "output") as LsOutput;
      if (!["table", "json", "wide"].includes(output)) throw new FlagError("--output must be table, wide or json");
      const rows = await collectRows(bucket);
      await writeOut(formatLs(rows, output));
      for (const p of rows.partial) log.warn("partial block (no readable meta.json)", { block: p.ulid, reason: p.reason });
      return 0;
    }),
};

export const bucketInspectCommand: Command = {
  name: "bucket inspect",
  summary: "Inspect the blocks in the bucket in a Thanos-like table",
  flags: [
    ...objstoreFlags,
    { name: "selector", type: "list", help: 'Only blocks whose external labels have k=v (or k="v"); repeatable' },
    { name: "sort-by", type: "list", help: "Sort by these columns (ULID, FROM, UNTIL, RANGE, #SERIES, …); repeatable", default: ["FROM", "UNTIL"] },
    { name: "output", help: "table, tsv or csv", default: "table" },
    ...logFlags,
  ],
  run: (f) =>
    guarded("inspect", f, async (bucket) => {
      const output = str(f, "output") as InspectOutput;
      if (!["table", "tsv", "csv"].includes(output)) throw new FlagError("--output must be table, tsv or csv");
      const text = await inspectBucket(bucket, { selector: parseSelectors(list(f, "selector")), sortBy: list(f, "sort-by"), output });
      await writeOut(text);
      return 0;
    }),
};

export const bucketVerifyCommand: Command = {
  name: "bucket verify",
  summary: "Check every block (index CRCs and order, chunk refs and CRCs, missing files, overlaps); exit 1 on any problem",
  flags: [
    ...objstoreFlags,
    { name: "id", type: "list", help: "Only verify these block ULIDs (overlaps are checked against all blocks); repeatable" },
    { name: "chunks", type: "bool", help: "Read and CRC-check every chunk (--no-chunks checks the index only)", default: true },
    ...logFlags,
  ],
  run: (f) =>
    guarded("verify", f, async (bucket, log) => {
      const report = await verifyBucket(bucket, {
        ids: list(f, "id"),
        chunks: bool(f, "chunks"),
        onBlock: (id, n) => log.info("verified block", { block: id, problems: n }),
      });
      for (const id of report.partial) log.warn("partial block (no meta.json), skipped", { block: id });
      let out = "";
      for (const p of report.problems) out += `block ${p.block}: ${p.file ? p.file + ": " : ""}${p.message}\n`;
      out += `${report.checked.length} block(s) checked, ${report.problems.length} problem(s)\n`;
      await writeOut(out);
      return report.problems.length ? 1 : 0;
    }),
};

export const bucketUploadCommand: Command = {
  name: "bucket upload",
  summary: "Upload a local Prometheus block folder (or a folder of them) with Thanos external labels",
  flags: [
    ...objstoreFlags,
    { name: "label", type: "list", help: 'External label name="value" for the thanos section; repeatable' },
    { name: "source", help: "thanos.source recorded in meta.json", default: "bucket.upload" },
    ...logFlags,
  ],
  run: (f) =>
    guarded("upload", f, async (bucket, log) => {
      if (f.positional.length !== 1) throw new FlagError("usage: aeon tools bucket upload DIR [--label='k=\"v\"' ...]");
      const labels = parseLabelFlags(list(f, "label"));
      const metas = await uploadBlocks(bucket, f.positional[0], {
        labels,
        source: str(f, "source"),
        onBlock: (m, dir) => log.info("uploaded block", { block: m.ulid, dir, bucket: bucket.name }),
      });
      await writeOut(metas.map((m) => m.ulid).join("\n") + "\n");
      return 0;
    }),
};

export const bucketDumpCommand: Command = {
  name: "bucket dump",
  summary: "Print every sample as `promtool tsdb dump` does (overlapping blocks merged)",
  flags: [
    ...objstoreFlags,
    { name: "id", type: "list", help: "Only these block ULIDs; repeatable (default: every block)" },
    { name: "match", help: 'Series selector, e.g. up{job="api"} (default: every series)' },
    { name: "min-time", help: "Minimum timestamp to dump, ms since epoch (inclusive)" },
    { name: "max-time", help: "Maximum timestamp to dump, ms since epoch (inclusive)" },
    { name: "with-external-labels", type: "bool", help: "Add each block's external labels to its series", default: false },
    ...logFlags,
  ],
  run: (f) =>
    guarded("dump", f, async (bucket, log) => {
      await dumpBucket(bucket, {
        ids: list(f, "id"),
        matchers: matchersOf(str(f, "match")),
        mint: timeFlag(f, "min-time"),
        maxt: timeFlag(f, "max-time"),
        withExternalLabels: bool(f, "with-external-labels"),
        write: writeOut,
        onSkip: (id, reason) => log.warn("block skipped", { block: id, reason }),
      });
      return 0;
    }),
};

function matchersOf(sel: string): Matcher[] | undefined {
  if (!sel) return undefined;
  let expr;
  try {
    expr = parse(sel);
  } catch (e) {
    throw new FlagError(`--match: ${(e as Error).message}`);
  }
  if (expr.type !== "VectorSelector") throw new FlagError(`--match wants a series selector such as up{job="api"}, got ${expr.type}`);
  return expr.matchers;
}

// Milliseconds since the epoch (as promtool takes them), or an RFC 3339 time.
function timeFlag(f: ParsedFlags, name: string): number | undefined {
  const v = str(f, name);
  if (!v) return undefined;
  if (/^-?\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  if (!/^\d{4}-\d\d-\d\dT/.test(v) || Number.isNaN(t)) throw new FlagError(`--${name} wants milliseconds since the epoch or an RFC 3339 time, got ${JSON.stringify(v)}`);
  return t;
}
