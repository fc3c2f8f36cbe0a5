import type { BackendConfig } from "../../../src/core/backend-kind.ts";
import type { Logger } from "../../../src/core/codec.ts";
import type { ServerConfig } from "../../../src/server/server-config.ts";
import { type RunningServer, startServer } from "../../../src/server/server.ts";

export const quietLog: Logger = () => {};

/** A lipstd on a free loopback port with the given local-stub backends. */
export function startStubServer(backends: Array<Partial<BackendConfig> & { id: string }>, maxAttempts = 3, maxBodyBytes = 8388608): Promise<RunningServer> {
  const config: ServerConfig = {
    server: {
      address: "127.0.0.1:0",
      max_body_bytes: maxBodyBytes,
      stream_keepalive_interval: 15000,
      limits: { max_messages: 4096, max_parts_per_message: 2048, max_tools: 2048, max_text_bytes: 8388608, max_json_depth: 64 },
    },
    backends: backends.map((backend) => ({ kind: "local-stub", enabled: true, ...backend })),
    routing: { max_attempts: maxAttempts },
    model_aliases: [],
  };
  return startServer(config, { log: quietLog });
}
