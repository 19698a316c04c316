// `aeon tools bucket web`: the bucket web view alone (the page `aeon compact --wait` serves),
// for looking at a bucket without running a compactor.
import type { Command } from "./command.ts";
import { str, FlagError } from "./flags.ts";
import { componentHttp, httpFlag, logFlags, loggerFrom, serveHttp, untilShutdown, bucketFrom } from "./common.ts";
import { MetaFetcher } from "../blockstore/index.ts";
import { bucketWebApp, loadBucketSnapshot } from "../compact/web/index.ts";

export const bucketWebCommand: Command = {
  name: "bucket web",
  summary: "Serve the bucket web view: blocks of each stream on a time axis",
  flags: [
    httpFlag("0.0.0.0:10902"),
    ...logFlags,
    { name: "objstore.config-file", help: "Path to the objstore YAML (type: FILESYSTEM|S3, config: …)" },
    { name: "objstore.config", help: "The objstore YAML itself (alternative to --objstore.config-file)" },
  ],
  async run(f) {
    const log = loggerFrom(f, "bucket-web");
    const bucket = await bucketFrom(f);
    if (!bucket) throw new FlagError("--objstore.config-file or --objstore.config is required");
    const http = componentHttp();
    const fetcher = new MetaFetcher(bucket);
    http.app.route("/", bucketWebApp(() => loadBucketSnapshot(bucket, fetcher), `Aeon bucket — ${bucket.name}`));
    const srv = await serveHttp(str(f, "http-address"), http.app, log);
    http.readiness.markReady();
    return untilShutdown(log, [() => srv.close()]);
  },
};
