// `npm run compile`: the single-file binary dist/aeon via `bun build --compile` (works offline;
// the wasm kernels are already inlined as base64 by scripts/build.mjs, so the binary needs no
// file beside it). Runs the build first when the generated module is missing.
// `deno compile` would need to download denort, which these machines cannot; where a denort
// binary is available, `deno compile -A --output dist/aeon-deno src/cli.ts` is the equivalent.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bun = join(root, "node_modules", ".bin", "bun");
const outfile = process.argv[2] ?? join(root, "dist", "aeon");

if (!existsSync(join(root, "src", "gen", "kernels-wasm.ts"))) {
  execFileSync(process.execPath, [join(root, "scripts", "build.mjs")], { cwd: root, stdio: "inherit" });
}
mkdirSync(dirname(outfile), { recursive: true });
execFileSync(bun, ["build", "--compile", "src/cli.ts", "--outfile", outfile], { cwd: root, stdio: "inherit" });
process.stderr.write(`compile: ${outfile} ${(statSync(outfile).size / 1e6).toFixed(1)} MB\n`);
