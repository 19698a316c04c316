// Bad input answered like a real Prometheus (Debian 2.42): the same HTTP status, errorType and
// message for requests whose handling is the same in Prometheus 2.x and 3.x. The querier runs
// in-process over an empty in-memory store; Prometheus over an empty TSDB.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { startPrometheus, type PrometheusProc } from "../helpers/processes.ts";
import { MemoryStore } from "../../src/store/memory/index.ts";
import { ProxyStore } from "../../src/store/proxy/index.ts";
import { Querier } from "../../src/query/index.ts";
import { apiV1 } from "../../src/api/v1.ts";

let prom: PrometheusProc;
const store = Object.assign(new MemoryStore({ series: [] }), { name: "empty" });
const endpoints = [{ client: store, info: null }];
const app = apiV1(new Querier({ store: new ProxyStore({ endpoints: () => endpoints }), replicaLabels: [], defaultPartialResponse: true, autoDownsampling: false, engine: {} }));

before(async () => {
  prom = await startPrometheus("global:\n  scrape_interval: 1h\nscrape_configs: []\n");
});
after(async () => {
  await prom?.stop();
});

// Paths under /api/v1. (2.x/3.x differences left out: label-name validity — 3.x accepts UTF-8
// names —, parser positions in match[] errors, query_range parse errors — newer versions prefix
// `invalid parameter "query": `, as we do — and parse_query, new in 2.47.)
const BAD_REQUESTS = [
  "/query?query=sum(",
  "/query?query=",
  "/query",
  "/query?query=nosuchfn(up)",
  "/query?query=rate(up)",
  "/query?query=rate(up[5m],1)",
  '/query?query=topk("a",up)',
  "/query?query=up%20and%201",
  "/query?query=up&time=abc",
  "/query?query=up&timeout=abc",
  '/query?query=label_replace(up,"a","b","c","d(")',
  "/query_range?query=up&start=10&end=5&step=1",
  "/query_range?query=up&start=0&end=100000&step=1",
  "/query_range?query=up&start=0&end=10&step=0",
  "/query_range?query=up&start=0&end=10&step=-1",
  "/query_range?query=up&start=0&end=10&step=xyz",
  "/query_range?query=up&start=0&end=10&step=1h30",
  "/query_range?query=up&start=abc&end=10&step=1",
  "/query_range?query=up&start=0&end=2020-13-01T00:00:00Z&step=1",
  "/query_range?query=up&end=10&step=1",
  "/query_range?query=up[5m]&start=0&end=10&step=1",
  "/series",
  "/series?match[]=up&start=x",
  "/series?match[]=up&end=x",
  "/labels?start=x",
  "/label/__name__/values?match[]={",
  "/query_exemplars?query=up(",
  "/query_exemplars",
  "/metadata?limit=abc",
  "/format_query?query=sum(",
];

async function answer(base: string, path: string) {
  const r = await fetch(base + path);
  const text = await r.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: r.status, body };
}

test("bad requests: same status, errorType and message as Prometheus", async () => {
  const diffs: string[] = [];
  for (const path of BAD_REQUESTS) {
    const want = await answer(`${prom.url}/api/v1`, path);
    const r = await app.request(path);
    const got = { status: r.status, body: await r.json() };
    assert.notEqual(want.status, 200, `${path} should fail on Prometheus too`);
    try {
      assert.deepEqual(got, want);
    } catch {
      diffs.push(`${path}\n  prometheus: ${want.status} ${JSON.stringify(want.body)}\n  aeon:       ${got.status} ${JSON.stringify(got.body)}`);
    }
  }
  assert.equal(diffs.length, 0, diffs.join("\n"));
});
