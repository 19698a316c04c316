import { readFileSync, readdirSync } from "node:fs";
const dir = process.argv[2];
const f = readdirSync(dir).filter(x=>x.endsWith(".cpuprofile")).map(x=>[x, readFileSync(dir+"/"+x).length]).sort((a,b)=>b[1]-a[1])[0][0];
const p = JSON.parse(readFileSync(dir + "/" + f, "utf8"));
const parent = new Map(); for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n);
const dt = new Map(); for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const agg = new Map(); const lines = new Map();
for (const n of p.nodes) { if (n.callFrame.functionName !== process.argv[3] || !n.callFrame.url.includes(process.argv[4] ?? "")) continue;
  const t = (dt.get(n.id) ?? 0)/1000; const par = parent.get(n.id); const k = par ? `${par.callFrame.functionName} ${par.callFrame.url.split("/").slice(-1)}:${par.callFrame.lineNumber}` : "-"; agg.set(k, (agg.get(k) ?? 0) + t);
  for (const pt of n.positionTicks ?? []) lines.set(pt.line, (lines.get(pt.line) ?? 0) + pt.ticks); }
console.log([...agg].sort((a,b)=>b[1]-a[1]).slice(0,8)); console.log([...lines].sort((a,b)=>b[1]-a[1]).slice(0,10));
