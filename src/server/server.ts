import type { Logger } from "../core/codec.ts";
import { createApp, type Registry } from "./app.ts";
import type { ServerConfig } from "./server-config.ts";

export interface RunningServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartOptions {
  log: Logger;
  registry?: Registry;
  env?: Record<string, string | undefined>;
  /** Bun's idle cut for non-generating routes (seconds, default 10); generate routes disable it. */
  idleTimeoutSeconds?: number;
}

export function parseAddress(address: string): { hostname: string; port: number } {
  const colon = address.lastIndexOf(":");
  if (colon < 0) throw new Error(`server.address: expected HOST:PORT, got '${address}'`);
  const hostname = address.slice(0, colon).replace(/^\[(.*)\]$/, "$1") || "127.0.0.1";
  const port = Number(address.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`server.address: bad port in '${address}'`);
  return { hostname, port };
}

/** Starts lipstd on `server.address` (port 0 picks a free port). */
export async function startServer(config: ServerConfig, options: StartOptions): Promise<RunningServer> {
  const app = createApp(config, options);
  const { hostname, port } = parseAddress(config.server.address);
  const server = Bun.serve({
    hostname,
    port,
    idleTimeout: options.idleTimeoutSeconds ?? 10,
    // Bodies are limited by our own reader, which answers 413 in the client's dialect.
    maxRequestBodySize: Math.max(config.server.max_body_bytes * 2, 1024 * 1024),
    fetch(request, bunServer) {
      return app.fetch(request, (streaming) => bunServer.timeout(streaming, 0), bunServer.requestIP(request)?.address);
    },
    error(error) {
      options.log("error", "unhandled server error", { error: error.stack ?? error.message });
      return Response.json({ error: { message: "internal error", type: "server_error", param: null, code: null } }, { status: 500 });
    },
  });
  const url = `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${server.port}`;
  return {
    url,
    port: server.port ?? port,
    async stop() {
      await server.stop(true);
      await app.close();
    },
  };
}
