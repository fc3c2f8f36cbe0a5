import type { BackendConfig } from "../../../src/core/backend-kind.ts";
import type { CanonicalCall, Message } from "../../../src/core/model/call.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
import type { ServerConfig } from "../../../src/server/server-config.ts";
import { messagesSettings } from "../../../src/backends/anthropic/options.ts";
import type { RequestSettings } from "../../../src/backends/anthropic/request.ts";

export function call(messages: Message[], overrides: Partial<CanonicalCall> = {}): CanonicalCall {
  return { model: "claude-sonnet-4-5", messages, tools: [], options: {}, stream: true, sourceDialect: "openai-chat", extensions: {}, ...overrides };
}

export const user = (text: string): Message => ({ role: "user", parts: [{ type: "text", text }] });

export function settings(config: Partial<BackendConfig> = {}): RequestSettings {
  return messagesSettings({ id: "a", kind: "anthropic", enabled: true, ...config }).request;
}

export async function collect(events: AsyncIterable<CanonicalEvent>): Promise<CanonicalEvent[]> {
  const out: CanonicalEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

export const silentLog = () => {};

/** A lipstd config for tests: loopback, port 0, these backends. */
export function serverConfig(backends: BackendConfig[], routing: ServerConfig["routing"] = { max_attempts: 3 }): ServerConfig {
  return {
    server: {
      address: "127.0.0.1:0",
      max_body_bytes: 8388608,
      stream_keepalive_interval: 15000,
      limits: { max_messages: 4096, max_parts_per_message: 2048, max_tools: 2048, max_text_bytes: 8388608, max_json_depth: 64 },
    },
    backends,
    routing,
    model_aliases: [],
  };
}
