for (let k = 0; k < 6; k++) {
const t = ((Date.now() - 2000) / 1000).toFixed(3);
const query = "sum by (job) (rate(prometheus_http_requests_total[30s]))";
const out = [];
for (const base of ["http://127.0.0.1:19590", "http://127.0.0.1:19593"]) {
  const r = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query, time: t })}`);
  const j = await r.json();
  out.push(j.data.result[0].value[1]);
}
const q2 = "prometheus_http_requests_total[30s]";
const raw = [];
for (const base of ["http://127.0.0.1:19590", "http://127.0.0.1:19593"]) {
  const r = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query: q2, time: t })}`);
  const j = await r.json();
  raw.push(j.data.result.map((s: any) => s.metric.handler + ":" + s.values.length + ":" + s.values[0][0] + ":" + s.values.at(-1)[0]).join(" "));
}
console.log(out, raw[0] === raw[1] ? "raw same" : raw);
await new Promise((r) => setTimeout(r, 700));
}
