// File access through node:fs/promises, which Node, Bun and Deno all implement; kept behind
// this module so the core never imports a runtime's own file API.
import { readFile } from "node:fs/promises";

export async function readBytes(path: string | URL): Promise<Uint8Array> {
  const buf = await readFile(path);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

export async function readText(path: string | URL): Promise<string> {
  return readFile(path, "utf8");
}
