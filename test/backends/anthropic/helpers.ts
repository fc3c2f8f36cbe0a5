import type { BackendConfig } from "../../../src/core/backend-kind.ts";
import type { CanonicalCall, Message } from "../../../src/core/model/call.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
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
