// process_* metrics as Prometheus client libraries export them. Uses the `process` global, which
// Node, Bun and Deno all provide; missing functions are skipped rather than faked.
import type { Collector } from "./metrics.ts";
import { formatValue } from "./metrics.ts";

type Proc = {
  memoryUsage?: () => { rss: number; heapUsed: number; heapTotal: number; external?: number; arrayBuffers?: number };
  cpuUsage?: () => { user: number; system: number };
  pid?: number;
};

const startTimeSeconds = Math.floor(Date.now() / 1000 - (globalThis.performance?.now?.() ?? 0) / 1000);

export function processCollector(): Collector {
  const proc = (globalThis as { process?: Proc }).process;
  const family = (out: string[], name: string, type: string, help: string, v: number): void => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${formatValue(v)}`);
  };
  return {
    collect(out: string[]): void {
      family(out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", startTimeSeconds);
      try {
        const cpu = proc?.cpuUsage?.();
        if (cpu) family(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", (cpu.user + cpu.system) / 1e6);
      } catch {
        // not available on this runtime
      }
      try {
        const mem = proc?.memoryUsage?.();
        if (mem) {
          family(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", mem.rss);
          family(out, "nodejs_heap_size_used_bytes", "gauge", "JavaScript heap in use, in bytes.", mem.heapUsed);
          family(out, "nodejs_heap_size_total_bytes", "gauge", "JavaScript heap size, in bytes.", mem.heapTotal);
          // Buffers and typed arrays live outside the JS heap but in the resident memory.
          if (mem.external !== undefined) family(out, "nodejs_external_memory_bytes", "gauge", "Memory of C++ objects bound to JavaScript objects (Buffers, ArrayBuffers), in bytes.", mem.external);
        }
      } catch {
        // not available on this runtime
      }
    },
  };
}
