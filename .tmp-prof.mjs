import { readFileSync, readdirSync } from "node:fs";
for (const f of readdirSync("/tmp/prof")) {
  const p = JSON.parse(readFileSync("/tmp/prof/" + f));
  const self = new Map();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const dt = p.timeDeltas; let total = 0;
  const counts = new Map();
  p.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (dt[i] ?? 0)));
  for (const [id, t] of counts) { const n = byId.get(id); const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").slice(-2).join("/")}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + t); total += t; }
  console.log(f, (total / 1000).toFixed(0), "ms");
  for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log((t / 1000).toFixed(1).padStart(8), k);
}
