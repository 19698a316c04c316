// Flags and wiring every long-running component shares: logging, the HTTP server with
// /metrics, /-/healthy and /-/ready, feature flags, and graceful shutdown.
import { Hono } from "hono";
import { allFeatures, defaultFeatures, type FeatureFlags } from "../promql/api.ts";
import { createLogger, newComponentRegistry, observabilityApp, Readiness, type Logger, type LogLevel, type Registry } from "../observability/index.ts";
import { listenHttp, onShutdown, setHeapGrowthPercent, type RunningServer } from "../runtime/index.ts";
import { str, list, type FlagSpec, type ParsedFlags, FlagError } from "./flags.ts";
import { bucketFromFlags, parseDuration, type Bucket } from "../objstore/index.ts";

// Shared by every component (applied by loggerFrom, the first thing each one calls).
export const logFlags: FlagSpec[] = [
  { name: "log.level", help: "Only log messages with the given severity or above: debug, info, warn, error", default: "info" },
  { name: "log.format", help: "Log format (logfmt only)", default: "logfmt" },
  {
    name: "gc.heap-growth-percent",
    help: "How far the JS heap may grow past its live size before a full garbage collection, like Go's GOGC (on Node; 0 = V8's own factor, up to 300%)",
    default: "50",
  },
];

export const httpFlag = (dflt = "0.0.0.0:10902"): FlagSpec => ({ name: "http-address", help: "Listen host:port for HTTP endpoints", default: dflt });
export const grpcFlag = (dflt = "0.0.0.0:10901"): FlagSpec => ({ name: "grpc-address", help: "Listen host:port for the gRPC StoreAPI", default: dflt });

export const featureFlag: FlagSpec = {
  name: "enable-feature",
  type: "list",
  help: "Experimental PromQL features, as Prometheus names them: promql-experimental-functions, promql-duration-expr, promql-extended-range-selectors, promql-binop-fill-modifiers, promql-delayed-name-removal, type-and-unit-labels, start-timestamps, or all",
};

export function featuresFrom(f: ParsedFlags): FeatureFlags {
  const out: FeatureFlags = { ...defaultFeatures };
  for (const raw of list(f, "enable-feature")) {
    for (const name of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
      switch (name) {
        case "all":
          Object.assign(out, allFeatures);
          break;
        case "promql-experimental-functions":
          out.experimentalFunctions = true;
          break;
        case "promql-duration-expr":
          out.durationExpressions = true;
          break;
        case "promql-extended-range-selectors":
          out.extendedRangeSelectors = true;
          break;
        case "promql-binop-fill-modifiers":
          out.binopFillModifiers = true;
          break;
        case "promql-delayed-name-removal":
          out.delayedNameRemoval = true;
          break;
        case "type-and-unit-labels":
          out.typeAndUnitLabels = true;
          break;
        case "start-timestamps":
          out.startTimestamps = true;
          break;
        default:
          throw new FlagError(`unknown feature ${JSON.stringify(name)} in --enable-feature`);
      }
    }
  }
  return out;
}

// The component's logger; also applies the process-wide settings of logFlags.
export function loggerFrom(f: ParsedFlags, component: string): Logger {
  const level = str(f, "log.level") as LogLevel;
  if (!["debug", "info", "warn", "error"].includes(level)) throw new FlagError(`--log.level must be one of debug, info, warn, error`);
  const log = createLogger({ level }).with({ component });
  const growth = Number(str(f, "gc.heap-growth-percent"));
  if (!Number.isInteger(growth) || growth < 0) throw new FlagError(`--gc.heap-growth-percent must be a non-negative integer`);
  const r = setHeapGrowthPercent(growth);
  if (!r.applied && growth !== 0) log.debug("--gc.heap-growth-percent not applied", { reason: r.why });
  return log;
}

// All flag values as strings, for /api/v1/status/flags.
export function flagsRecord(f: ParsedFlags): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of f.values) out[k] = Array.isArray(v) ? v.join(",") : String(v);
  return out;
}

export interface ComponentHttp {
  app: Hono;
  registry: Registry;
  readiness: Readiness;
}

export function componentHttp(): ComponentHttp {
  const registry = newComponentRegistry();
  const readiness = new Readiness();
  const app = new Hono();
  app.route("/", observabilityApp({ registry, readiness }));
  return { app, registry, readiness };
}

export async function serveHttp(address: string, app: Hono, log: Logger): Promise<RunningServer> {
  const srv = await listenHttp(address, app.fetch);
  log.info("listening for HTTP", { address: `${srv.host}:${srv.port}` });
  return srv;
}

// Runs until SIGINT/SIGTERM, then closes everything in reverse order of start.
export function untilShutdown(log: Logger, closers: (() => Promise<void> | void)[]): Promise<number> {
  return new Promise<number>(() => {
    onShutdown(async () => {
      log.info("shutting down");
      for (const c of [...closers].reverse()) {
        try {
          await c();
        } catch (e) {
          log.warn("error during shutdown", { err: e as Error });
        }
      }
    });
  });
}

// A duration flag (`5m`, `1h30m`, `90s`, bare seconds) in milliseconds, or a FlagError naming it.
export function durationFlag(f: ParsedFlags, name: string): number {
  try {
    return parseDuration(str(f, name));
  } catch (e) {
    throw new FlagError(`--${name}: ${(e as Error).message}`);
  }
}

export function intFlag(f: ParsedFlags, name: string, min = 0): number {
  const n = Number(str(f, name));
  if (!Number.isInteger(n) || n < min) throw new FlagError(`--${name} must be an integer >= ${min}`);
  return n;
}

// A size flag as Thanos's kingpin BytesVar reads it: every unit is base 1024 (`64GB` = 64 GiB,
// `KB` = `KiB`); B, K(i)B … P(i)B, or a bare integer meaning bytes.
export function bytesFlag(f: ParsedFlags, name: string): number {
  const raw = str(f, name);
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:([KMGTP])i?)?(B)?\s*$/i.exec(raw);
  if (!m || (m[2] && !m[3]) || (!m[2] && !m[3] && m[1].includes("."))) throw new FlagError(`--${name}: invalid size ${JSON.stringify(raw)} (want e.g. 64GB, 512MiB, 1048576)`);
  const power = m[2] ? "KMGTP".indexOf(m[2].toUpperCase()) + 1 : 0;
  return Math.floor(Number(m[1]) * 1024 ** power);
}

export const objstoreFlags: FlagSpec[] = [
  { name: "objstore.config-file", help: "Path to the objstore YAML (Thanos format: type: FILESYSTEM|S3, config: …)" },
  { name: "objstore.config", help: "The objstore YAML itself (alternative to --objstore.config-file)" },
];

const processEnv = (): Record<string, string | undefined> =>
  (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};

// The bucket named by --objstore.config-file / --objstore.config (credentials may also come
// from AWS_* variables), or null when neither flag is given.
export function bucketFrom(f: ParsedFlags): Promise<Bucket | null> {
  return bucketFromFlags(str(f, "objstore.config-file") || undefined, str(f, "objstore.config") || undefined, processEnv());
}
