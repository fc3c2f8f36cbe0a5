import type { BackendConfig } from "../../src/core/backend-kind.ts";
import type { ServerConfig } from "../../src/server/server-config.ts";

/** A complete server config for tests: loopback, port 0, the given backends. */
export function testConfig(backends: Array<Partial<BackendConfig> & { id: string; kind: string }>, overrides: Partial<ServerConfig> = {}): ServerConfig {
  return {
    server: {
      address: "127.0.0.1:0",
      max_body_bytes: 8 * 1024 * 1024,
      stream_keepalive_interval: 15_000,
      limits: { max_messages: 4096, max_parts_per_message: 2048, max_tools: 2048, max_text_bytes: 8 * 1024 * 1024, max_json_depth: 64 },
    },
    backends: backends.map((backend) => ({ enabled: true, ...backend })),
    routing: { max_attempts: 3 },
    model_aliases: [],
    ...overrides,
  };
}
