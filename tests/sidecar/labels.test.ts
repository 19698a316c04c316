// External-label handling of the sidecar store: matchers on external labels are decided locally,
// external labels override stored ones, replica labels are stripped; plus selector formatting
// and the Unavailable error for a Prometheus that is down.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { SeriesRequestSchema } from "../../src/gen/thanos/store/rpc_pb.ts";
import { LabelMatcher_Type, LabelMatcherSchema } from "../../src/gen/thanos/store/types_pb.ts";
import { Matcher } from "../../src/labels/index.ts";
import { nopLogger } from "../../src/observability/index.ts";
import { StoreError } from "../../src/store/errors.ts";
import { finalLabels, PromMetadata, PrometheusClient, PrometheusStore, selector, stripExternalMatchers } from "../../src/sidecar/index.ts";
import { freePort } from "../helpers/net.ts";

const ext = [
  { name: "cluster", value: "eu" },
  { name: "replica", value: "r1" },
];

test("matchers on external labels are decided locally and dropped", () => {
  const ms = [new Matcher("=", "__name__", "up"), new Matcher("=~", "cluster", "e.*"), new Matcher("!=", "replica", "r2")];
  assert.deepEqual(stripExternalMatchers(ms, ext)?.map((m) => m.name), ["__name__"]);
  assert.equal(stripExternalMatchers([new Matcher("=", "cluster", "us")], ext), undefined);
  assert.equal(stripExternalMatchers([new Matcher("!~", "replica", "r.*")], ext), undefined);
  assert.deepEqual(stripExternalMatchers([], ext), []);
});

test("external labels override stored ones; replica labels are stripped; output sorted", () => {
  const stored = [
    { name: "job", value: "a" },
    { name: "__name__", value: "up" },
    { name: "cluster", value: "stored" },
  ];
  assert.deepEqual(finalLabels(stored, ext, new Set()), [
    { name: "__name__", value: "up" },
    { name: "cluster", value: "eu" },
    { name: "job", value: "a" },
    { name: "replica", value: "r1" },
  ]);
  assert.deepEqual(finalLabels(stored, ext, new Set(["replica", "job"])), [
    { name: "__name__", value: "up" },
    { name: "cluster", value: "eu" },
  ]);
});

test("selectors for the HTTP API quote values and never match only empty strings", () => {
  assert.equal(selector([new Matcher("=", "job", 'a"b\\c')]), '{job="a\\"b\\\\c"}');
  assert.equal(selector([new Matcher("=~", "job", ".*")]), '{job=~".*",__name__=~".+"}');
  assert.equal(selector([]), '{__name__=~".+"}');
});

test("a Prometheus that is down makes Series fail with Unavailable", async () => {
  const port = await freePort(); // nothing listens there
  const prom = new PrometheusClient(`http://127.0.0.1:${port}`);
  const metadata = new PromMetadata({ prom, logger: nopLogger });
  const store = new PrometheusStore({ prom, metadata });
  const req = create(SeriesRequestSchema, { minTime: 0n, maxTime: 1000n, matchers: [create(LabelMatcherSchema, { type: LabelMatcher_Type.EQ, name: "__name__", value: "up" })] });
  await assert.rejects(async () => {
    for await (const _ of store.series(req)) {
      // drain
    }
  }, (e: Error) => e instanceof StoreError && e.code === "Unavailable");
  await assert.rejects(metadata.loadExternalLabels(), (e: Error) => e instanceof StoreError && e.code === "Unavailable");
});
