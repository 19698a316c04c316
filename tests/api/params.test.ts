import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDuration, parseTime, formValues } from "../../src/api/params.ts";

test("times parse from float seconds and RFC 3339", () => {
  assert.equal(parseTime("1435781451.781"), 1435781451781);
  assert.equal(parseTime("1"), 1000);
  assert.equal(parseTime("2015-07-01T20:10:51.781Z"), 1435781451781);
  assert.equal(parseTime("2015-07-01T22:10:51+02:00"), 1435781451000);
  assert.throws(() => parseTime("abc"), /cannot parse "abc" to a valid timestamp/);
  assert.throws(() => parseTime(""), /cannot parse "" to a valid timestamp/);
});

test("durations parse from Prometheus durations and float seconds", () => {
  assert.equal(parseDuration("15"), 15000);
  assert.equal(parseDuration("0.5"), 500);
  assert.equal(parseDuration("5m"), 300000);
  assert.equal(parseDuration("1h30m"), 5400000);
  assert.equal(parseDuration("100ms"), 100);
  assert.equal(parseDuration("1d"), 86400000);
  assert.throws(() => parseDuration("5x"), /cannot parse "5x" to a valid duration/);
  assert.throws(() => parseDuration("1e400"), /overflows int64/);
});

test("form POST bodies are merged with URL parameters", async () => {
  const req = new Request("http://x/api/v1/query?time=5", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "query=up&time=7",
  });
  const f = await formValues(req);
  assert.equal(f.get("query"), "up");
  assert.equal(f.get("time"), "7");
  assert.deepEqual(f.getAll("time"), ["7", "5"]);
});
