// The pre-bundled CLI for Node: src/cli.ts and everything it imports, generated code in src/gen/
// included, in one ESM file build/aeon.mjs. bin/aeon runs it instead of transpiling ~330 .ts
// files through tsx at every start, which saves ~45 MiB of resident memory and most of the start
// time per process (docs/benchmarks.md, "Launcher: bundle vs tsx").
//
// Freshness is by mtime: the bundle counts as current when its mtime is at least the newest mtime
// among its inputs (every file and folder under src/, and node_modules/.package-lock.json, which
// npm rewrites whenever it changes installed packages). bundleCli() stamps the bundle with the
// newest input mtime it saw BEFORE bundling, not with the time it finished, so a file edited
// while esbuild runs makes the new bundle stale instead of silently missing from it.
//
// bin/aeon imports this file on every start: keep it free of heavy imports (esbuild is loaded
// only inside bundleCli).
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

export function bundlePath(root = repoRoot) {
  return join(root, "build", "aeon.mjs");
}

// Packages left out of the bundle and resolved from node_modules at run time (build/ sits inside
// the repository, so resolution finds them). A package must stay external when it reads files
// beside its own code: @bokuweb/zstd-wasm loads zstd.wasm through __dirname. The other
// dependencies were checked (grep for __dirname / import.meta.url / readFile in their dist
// files) and read nothing of their own.
export const externalPackages = ["@bokuweb/zstd-wasm"];

// Bundled CommonJS dependencies call require() for node: built-ins; an ESM bundle has none.
const requireShim = "import { createRequire as __aeonCreateRequire } from 'node:module'; const require = __aeonCreateRequire(import.meta.url);";

// The newest mtime among the bundle's inputs, and which path carries it.
export function newestInput(root = repoRoot) {
  let newest = { mtimeMs: -Infinity, path: "" };
  const consider = (path, mtimeMs) => {
    if (mtimeMs > newest.mtimeMs) newest = { mtimeMs, path };
  };
  // A path that vanished between listing and stat (someone deleting a file right now) is
  // skipped: its folder's mtime already records the deletion. No src/ at all (a deployment of
  // build/ alone) leaves nothing newer than the bundle; no npm metadata leaves src/ to decide.
  const mtimeOrUndefined = (p) => {
    try {
      return statSync(p).mtimeMs;
    } catch (e) {
      if (e.code === "ENOENT") return undefined;
      throw e;
    }
  };
  const walk = (dir) => {
    // Folders count too: deleting or renaming a file only changes its folder's mtime.
    const m = mtimeOrUndefined(dir);
    if (m === undefined) return;
    consider(dir, m);
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      if (e.code === "ENOENT") return;
      throw e;
    }
    for (const entry of entries) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else {
        const fm = mtimeOrUndefined(p);
        if (fm !== undefined) consider(p, fm);
      }
    }
  };
  walk(join(root, "src"));
  const npmMeta = join(root, "node_modules", ".package-lock.json");
  const npmMtime = mtimeOrUndefined(npmMeta);
  if (npmMtime !== undefined) consider(npmMeta, npmMtime);
  return newest;
}

// Whether bin/aeon may run the bundle: { fresh, reason } where reason says why not.
export function bundleFreshness(root = repoRoot, bundle = bundlePath(root)) {
  let bundleMtimeMs;
  try {
    bundleMtimeMs = statSync(bundle).mtimeMs;
  } catch {
    return { fresh: false, reason: `${bundle} missing` };
  }
  const newest = newestInput(root);
  if (newest.mtimeMs > bundleMtimeMs) return { fresh: false, reason: `${newest.path} is newer than ${bundle}` };
  return { fresh: true, reason: "" };
}

// What bin/aeon runs: "bundle" (build/aeon.mjs) or "source" (src/cli.ts through tsx).
export function chooseLaunch(root = repoRoot, env = process.env) {
  if (env.AEON_FROM_SOURCE === "1") return { mode: "source", reason: "AEON_FROM_SOURCE=1" };
  const { fresh, reason } = bundleFreshness(root);
  return fresh ? { mode: "bundle", reason: "", path: bundlePath(root) } : { mode: "source", reason };
}

// Bundles src/cli.ts into `outfile` (+ `outfile`.map). Several processes may build at once (npm
// install, parallel test runs): each writes temp files and renames them into place, so a reader
// sees either the old bundle or the new one, never half a file. Returns the size in bytes.
export async function bundleCli({ root = repoRoot, outfile = bundlePath(root) } = {}) {
  const { build } = await import("esbuild");
  const inputs = newestInput(root);
  const result = await build({
    entryPoints: [join(root, "src", "cli.ts")],
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    write: false,
    external: externalPackages,
    banner: { js: requireShim },
    // Linked, not inline: Node reads the map only under --enable-source-maps (for debugging:
    // NODE_OPTIONS=--enable-source-maps bin/aeon …), so normal runs do not pay for it.
    sourcemap: "linked",
    logLevel: "warning",
  });
  // Stamp = newest input mtime plus 2 ms: utimes takes seconds as a double, whose rounding can
  // land a few hundred ns below the value asked for; 2 ms absorbs that (an edit landing in
  // those 2 ms after the newest input while esbuild runs would go unnoticed — accepted).
  const stamp = (Math.floor(inputs.mtimeMs) + 2) / 1000;
  mkdirSync(dirname(outfile), { recursive: true });
  // The map first, the bundle last: the bundle's rename is what makes the new build visible.
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === outfile) - Number(b.path === outfile));
  for (const file of files) {
    const tmp = join(dirname(file.path), `.${basename(file.path)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    try {
      writeFileSync(tmp, file.contents);
      utimesSync(tmp, stamp, stamp);
      renameSync(tmp, file.path);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
  }
  return files.find((f) => f.path === outfile).contents.length;
}
