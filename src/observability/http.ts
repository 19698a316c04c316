// The HTTP endpoints every component serves: /metrics, /-/healthy, /-/ready. A Hono sub-app that
// components mount at "/" of their HTTP server (app.route("/", observabilityApp(...))).
import { Hono } from "hono";
import { type Registry, TEXT_CONTENT_TYPE } from "./metrics.ts";

// Readiness as Thanos reports it: 503 with a reason until the component says it is ready
// (e.g. the store gateway after its first bucket sync).
export class Readiness {
  private reason: string | null;
  constructor(initialReason = "starting") {
    this.reason = initialReason;
  }
  get ready(): boolean {
    return this.reason === null;
  }
  get notReadyReason(): string | null {
    return this.reason;
  }
  markReady(): void {
    this.reason = null;
  }
  markNotReady(reason: string): void {
    this.reason = reason;
  }
}

export interface ObservabilityOptions {
  registry: Registry;
  readiness: Readiness;
  // Health turns false only when the process should be restarted (default: always healthy).
  healthy?: () => boolean;
}

export function observabilityApp(opts: ObservabilityOptions): Hono {
  const app = new Hono();
  app.get("/metrics", (c) => c.body(opts.registry.metricsText(), 200, { "content-type": TEXT_CONTENT_TYPE }));
  app.get("/-/healthy", (c) =>
    opts.healthy && !opts.healthy() ? c.text("unhealthy\n", 503) : c.text("OK\n", 200),
  );
  app.get("/-/ready", (c) =>
    opts.readiness.ready ? c.text("OK\n", 200) : c.text(`not ready: ${opts.readiness.notReadyReason}\n`, 503),
  );
  return app;
}
