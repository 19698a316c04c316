// Bucket web view: block snapshot loader and the Hono app serving the page + JSON.
export { loadBucketSnapshot, type BlockView, type BucketSnapshot } from "./blocks.ts";
export { bucketWebApp } from "./app.ts";
