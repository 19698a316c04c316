// logfmt logger in the shape Thanos (go-kit log) prints:
//   level=info ts=2026-01-02T03:04:05.678Z caller=store/grpc/server.ts:42 msg="listening" address=...
// Lines go to stderr by default. `with()` returns a child that prefixes fixed key/values
// (component=..., endpoint=...).
export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LogValue = string | number | boolean | bigint | null | undefined | Error | Date;

export interface Logger {
  debug(msg: string, kv?: Record<string, LogValue>): void;
  info(msg: string, kv?: Record<string, LogValue>): void;
  warn(msg: string, kv?: Record<string, LogValue>): void;
  error(msg: string, kv?: Record<string, LogValue>): void;
  with(kv: Record<string, LogValue>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  // Where finished lines go (default: stderr).
  write?: (line: string) => void;
  // Adds caller=file:line (from a stack trace, so only cheap enough for logs, not hot loops).
  caller?: boolean;
  now?: () => Date;
}

// A key or value needs quoting if it is empty or holds a space, '=', '"' or a control character.
const NEEDS_QUOTE = /[\s="\\\x00-\x1f\x7f]/;

export function logfmtValue(v: LogValue): string {
  let s: string;
  if (v === null || v === undefined) s = "null";
  else if (v instanceof Error) s = v.message;
  else if (v instanceof Date) s = v.toISOString();
  else s = String(v);
  if (s === "" || NEEDS_QUOTE.test(s)) return JSON.stringify(s);
  return s;
}

export function formatLogfmt(pairs: [string, LogValue][]): string {
  return pairs.map(([k, v]) => `${k.replace(/[\s="]/g, "_")}=${logfmtValue(v)}`).join(" ");
}

function defaultWrite(line: string): void {
  const p = (globalThis as { process?: { stderr?: { write(s: string): unknown } } }).process;
  if (p?.stderr) p.stderr.write(line + "\n");
  else console.error(line);
}

// file:line of the first stack frame outside this file.
function callerOf(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  for (const line of stack.split("\n").slice(1)) {
    if (line.includes("observability/logger.ts")) continue;
    const m = /([^/\\()\s]+\/[^/\\()\s]+):(\d+):\d+\)?\s*$/.exec(line);
    if (m) return `${m[1]}:${m[2]}`;
  }
  return undefined;
}

export function createLogger(opts: LoggerOptions = {}, base: [string, LogValue][] = []): Logger {
  const min = ORDER[opts.level ?? "info"];
  const write = opts.write ?? defaultWrite;
  const now = opts.now ?? (() => new Date());
  const log = (level: LogLevel, msg: string, kv?: Record<string, LogValue>): void => {
    if (ORDER[level] < min) return;
    const pairs: [string, LogValue][] = [
      ["level", level],
      ["ts", now().toISOString()],
    ];
    if (opts.caller) {
      const c = callerOf(new Error().stack);
      if (c) pairs.push(["caller", c]);
    }
    pairs.push(...base, ["msg", msg]);
    if (kv) for (const k of Object.keys(kv)) pairs.push([k, kv[k]]);
    write(formatLogfmt(pairs));
  };
  return {
    debug: (m, kv) => log("debug", m, kv),
    info: (m, kv) => log("info", m, kv),
    warn: (m, kv) => log("warn", m, kv),
    error: (m, kv) => log("error", m, kv),
    with: (kv) => createLogger(opts, [...base, ...Object.entries(kv)]),
  };
}

// Discards everything (tests, libraries used without a logger).
export const nopLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  with() {
    return nopLogger;
  },
};
