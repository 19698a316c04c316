import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../../src/observability/index.ts";

test("logfmt lines in Thanos's shape, levels filtered, child loggers", () => {
  const lines: string[] = [];
  const log = createLogger({ level: "info", write: (l) => lines.push(l), now: () => new Date("2026-01-02T03:04:05.678Z"), caller: true });
  log.debug("hidden");
  log.info("listening", { address: "127.0.0.1:10901", component: "store" });
  log.with({ component: "query" }).warn('bad "thing"', { err: new Error("x = y"), n: 3, ok: true, empty: "" });
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^level=info ts=2026-01-02T03:04:05\.678Z caller=observability\/logger\.test\.ts:\d+ msg=listening address=127\.0\.0\.1:10901 component=store$/);
  assert.match(lines[1], /^level=warn ts=\S+ caller=\S+ component=query msg="bad \\"thing\\"" err="x = y" n=3 ok=true empty=""$/);
});
