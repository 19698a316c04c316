// gRPC server metrics with the names go-grpc-prometheus gives them in Thanos, so existing
// dashboards work: grpc_server_started_total, grpc_server_handled_total, grpc_server_handling_seconds.
import type { Counter, Histogram, Registry } from "../../observability/index.ts";

export type GrpcType = "unary" | "server_stream";

export interface GrpcServerMetrics {
  started: Counter;
  handled: Counter;
  handling: Histogram;
}

export function grpcServerMetrics(r: Registry): GrpcServerMetrics {
  const base = ["grpc_method", "grpc_service", "grpc_type"];
  return {
    started: r.counter({ name: "grpc_server_started_total", help: "Total number of RPCs started on the server.", labelNames: base }),
    handled: r.counter({
      name: "grpc_server_handled_total",
      help: "Total number of RPCs completed on the server, regardless of success or failure.",
      labelNames: ["grpc_code", ...base],
    }),
    handling: r.histogram({
      name: "grpc_server_handling_seconds",
      help: "Histogram of response latency (seconds) of gRPC that had been application-level handled by the server.",
      labelNames: base,
      buckets: [0.001, 0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120],
    }),
  };
}
