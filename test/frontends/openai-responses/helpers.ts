import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CanonicalCall } from "../../../src/core/model/call.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
import { checkEvents } from "../../../src/core/model/event-checker.ts";
import { createResponsesStreamEncoder } from "../../../src/frontends/openai-responses/stream-encoder.ts";
import { createSseParser } from "../../../src/sse/index.ts";
import { testConfig } from "../../helpers/config.ts";
import { startLipstd, type TestServer } from "../../helpers/lipstd.ts";

export const fixtureDir = join(import.meta.dir, "../../../testdata/openai-responses");

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(fixtureDir, name), "utf8")) as T;
}

export interface StreamCase {
  note: string;
  events: CanonicalEvent[];
  expected: string[];
  status: string;
  incompleteReason?: string;
  /** Checked in the stream only (the non-streaming encoding is built from collected parts). */
  streamOnly?: boolean;
}

export interface WireEvent {
  event: string | undefined;
  data: Record<string, any>;
}

/** Parses SSE text with lipstd's own parser; every data line must be JSON. */
export function parseSse(text: string): WireEvent[] {
  const events: WireEvent[] = [];
  const parser = createSseParser((event) => events.push({ event: event.event, data: JSON.parse(event.data) }));
  parser.feed(new TextEncoder().encode(text));
  const end = parser.end();
  if (end.truncated) throw new Error("SSE stream ended mid-event");
  return events;
}

export function minimalCall(overrides: Partial<CanonicalCall> = {}): CanonicalCall {
  return {
    model: "test-model",
    messages: [{ role: "user", parts: [{ type: "text", text: "hi" }] }],
    tools: [],
    options: {},
    stream: true,
    sourceDialect: "openai-responses",
    extensions: {},
    ...overrides,
  };
}

/** Encodes a checked canonical stream the way the server does: encode() per event, then end(). */
export function encodeStream(events: readonly CanonicalEvent[], call: CanonicalCall = minimalCall()): string {
  checkEvents(events);
  const encoder = createResponsesStreamEncoder(call);
  const decoder = new TextDecoder();
  const text = (chunk: Uint8Array | string) => (typeof chunk === "string" ? chunk : decoder.decode(chunk));
  let out = "";
  for (const event of events) out += text(encoder.encode(event));
  return out + text(encoder.end());
}

export interface StubBackend {
  id: string;
  [knob: string]: unknown;
}

/** A real lipstd on loopback with local-stub backends; route with model `<backend id>:<model>`. */
export function startStubServer(backends: StubBackend[], maxAttempts = 1): Promise<TestServer> {
  return startLipstd(testConfig(backends.map((backend) => ({ kind: "local-stub", ...backend })), { routing: { max_attempts: maxAttempts } }));
}
