// The StoreAPI gRPC server, client and proxy run under Node, Bun and Deno: each runtime serves,
// and our client (and a ProxyStore) on every runtime calls it (3 x 3 matrix, plain and snappy).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
import { startProcess, type Proc } from "../helpers/processes.ts";
import { root, run, runtimes } from "../runtime/run.ts";

const serveFile = join(root, "tests", "store", "runtime", "serve.ts");
const callFile = join(root, "tests", "store", "runtime", "call.ts");
const servers = new Map<string, { proc: Proc; port: number }>();

async function startServer(rt: string): Promise<{ proc: Proc; port: number }> {
  const [cmd, args] = runtimes[rt](serveFile, []);
  const proc = startProcess(cmd, args);
  for (let i = 0; i < 600; i++) {
    const m = /LISTENING (\d+) (\w+)/.exec(proc.output());
    if (m) {
      assert.equal(m[2], rt, "the script really runs on the runtime under test");
      return { proc, port: Number(m[1]) };
    }
    if (proc.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await proc.stop("SIGKILL");
  throw new Error(`${rt} server did not start:\n${proc.output()}`);
}

before(async () => {
  for (const rt of Object.keys(runtimes)) servers.set(rt, await startServer(rt));
});
after(async () => {
  for (const s of servers.values()) await s.proc.stop();
});

const expectedSeries = ["__name__=up,cluster=eu,instance=a:9090,job=api", "__name__=up,cluster=eu,instance=b:9090,job=api", "__name__=up,cluster=eu,instance=c:9090,job=db"];

for (const server of Object.keys(runtimes)) {
  for (const client of Object.keys(runtimes)) {
    test(`${client} client -> ${server} server`, () => {
      const [cmd, args] = runtimes[client](callFile, [String(servers.get(server)!.port)]);
      const r = run(cmd, args);
      assert.equal(r.status, 0, r.stderr);
      const line = r.stdout.trim().split("\n").pop()!;
      const got = JSON.parse(line);
      assert.equal(got.runtime, client);
      for (const mode of ["none", "snappy"]) {
        assert.deepEqual(got[mode], { component: `store-${server}`, series: expectedSeries, samples: 120 }, `${mode}: ${line}`);
      }
      // ProxyStore on the client runtime: two replicas merged, identical chunks kept once.
      assert.deepEqual(got.proxy, { series: expectedSeries, firstChunks: 2 }, line);
    });
  }
}
