// The bucket web view (as Thanos's compactor and `tools bucket web` serve it): one page that
// draws the blocks of each stream (external labels + resolution) on a shared time axis, one row
// per compaction level, with size and markers; and the same data as JSON at /api/v1/blocks.
// The page carries its data inline and draws it with a small script, so it works offline and
// a headless browser's DOM dump shows the drawn blocks.
import { Hono } from "hono";
import type { BucketSnapshot } from "./blocks.ts";
import { PAGE_SCRIPT, PAGE_STYLE } from "./page-assets.ts";

// `alerts` lists problems worth a banner (the compactor passes its halted streams).
export function bucketWebApp(load: () => Promise<BucketSnapshot>, title = "Aeon bucket", alerts: () => string[] = () => []): Hono {
  const app = new Hono();
  const page = async () => {
    const snap = await load();
    const data = JSON.stringify(snap).replace(/</g, "\\u003c");
    return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${PAGE_STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${alerts().map((a) => `<p class="alert">${escapeHtml(a)}</p>`).join("\n")}
<p class="meta">${snap.blocks.length} blocks, refreshed ${escapeHtml(snap.refreshedAt)}. <a href="/api/v1/blocks">JSON</a></p>
<div id="streams"></div>
<h2>Blocks</h2>
<table id="block-table"><thead><tr><th>ULID</th><th>stream</th><th>resolution</th><th>level</th><th>from</th><th>to</th><th>series</th><th>samples</th><th>size</th><th>markers</th></tr></thead><tbody></tbody></table>
<div id="partial"></div>
<script type="application/json" id="bucket-data">${data}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>`;
  };
  app.get("/", async (c) => c.html(await page()));
  app.get("/blocks", async (c) => c.html(await page()));
  app.get("/api/v1/blocks", async (c) => {
    const snap = await load();
    return c.json({ status: "success", data: { blocks: snap.blocks, partial: snap.partial, refreshedAt: snap.refreshedAt, err: null } });
  });
  return app;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
