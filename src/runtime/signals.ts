// Graceful shutdown on SIGINT/SIGTERM; process.on works on Node, Bun and Deno.
export function onShutdown(fn: () => Promise<void> | void): void {
  let stopping = false;
  const handler = async () => {
    if (stopping) return;
    stopping = true;
    try {
      await fn();
    } finally {
      process.exit(0);
    }
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
}
