import type { BackendConfig, BackendEnvironment, BackendKind, HttpClientSettings } from "../../src/core/backend-kind.ts";
import { defaultHttpClientSettings } from "../../src/core/backend-kind.ts";
import type { BackendInstance } from "../../src/core/codec.ts";
import { createCollector, type CollectedResponse } from "../../src/core/collect.ts";
import type { CanonicalCall, Message } from "../../src/core/model/call.ts";
import { LipError } from "../../src/core/model/errors.ts";
import { checkEvents } from "../../src/core/model/event-checker.ts";
import type { CanonicalEvent } from "../../src/core/model/events.ts";

export const silentLog = () => {};

export function environment(env: Record<string, string | undefined> = {}, http: Partial<HttpClientSettings> = {}): BackendEnvironment {
  return { env, log: silentLog, http: { ...defaultHttpClientSettings, ...http } };
}

export function backendOf(kind: BackendKind, config: Partial<BackendConfig>, env?: BackendEnvironment): BackendInstance {
  return kind.create({ id: "upstream", kind: kind.kind, enabled: true, ...config }, env ?? environment());
}

export function userCall(text: string, overrides: Partial<CanonicalCall> = {}): CanonicalCall {
  return {
    model: "test-model",
    messages: [{ role: "user", parts: [{ type: "text", text }] }],
    tools: [],
    options: {},
    stream: true,
    sourceDialect: "openai-chat",
    extensions: {},
    ...overrides,
  };
}

export function withMessages(messages: Message[], overrides: Partial<CanonicalCall> = {}): CanonicalCall {
  return userCall("", { messages, ...overrides });
}

export interface Outcome {
  events: CanonicalEvent[];
  response: CollectedResponse;
}

/** Runs one attempt; every event stream is checked for canonical order. Throws what the backend throws. */
export async function run(backend: BackendInstance, call: CanonicalCall, options: { model?: string; signal?: AbortSignal } = {}): Promise<Outcome> {
  const events: CanonicalEvent[] = [];
  const collector = createCollector();
  for await (const event of backend.stream(call, {
    model: options.model ?? "test-model",
    signal: options.signal ?? new AbortController().signal,
    aLegId: "a_test",
    bLegId: "b_test",
    clientHeaders: new Headers(),
    log: silentLog,
  })) {
    events.push(event);
    collector.add(event);
  }
  checkEvents(events);
  return { events, response: collector.response };
}

/** The LipError a run throws (fails the test when it does not throw one). */
export async function runError(backend: BackendInstance, call: CanonicalCall, options: { model?: string; signal?: AbortSignal } = {}): Promise<{ error: LipError; events: CanonicalEvent[] }> {
  const events: CanonicalEvent[] = [];
  try {
    for await (const event of backend.stream(call, {
      model: options.model ?? "test-model",
      signal: options.signal ?? new AbortController().signal,
      aLegId: "a_test",
      bLegId: "b_test",
      clientHeaders: new Headers(),
      log: silentLog,
    })) {
      events.push(event);
    }
  } catch (thrown) {
    if (thrown instanceof LipError) return { error: thrown, events };
    throw thrown;
  }
  throw new Error(`expected a LipError, got ${events.length} events ending in ${events.at(-1)?.type}`);
}

export function eventTypes(events: readonly CanonicalEvent[]): string[] {
  return events.map((event) => event.type);
}
