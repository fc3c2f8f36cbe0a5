import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CanonicalCall } from "../../../src/core/model/call.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
import { checkEvents } from "../../../src/core/model/event-checker.ts";
import { createResponsesStreamEncoder } from "../../../src/frontends/openai-responses/stream-encoder.ts";
import { startServer, type RunningServer } from "../../../src/server/server.ts";
import { createSseParser } from "../../../src/sse/index.ts";

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

const silent = () => {};

export interface StubBackend {
  id: string;
  [knob: string]: unknown;
}

/** A real lipstd on loopback with local-stub backends; route with model `<backend id>:<model>`. */
export function startStubServer(backends: StubBackend[], maxAttempts = 1): Promise<RunningServer> {
  return startServer(
    {
      server: {
        address: "127.0.0.1:0",
        max_body_bytes: 8388608,
        stream_keepalive_interval: 15000,
        limits: { max_messages: 4096, max_parts_per_message: 2048, max_tools: 2048, max_text_bytes: 8388608, max_json_depth: 64 },
      },
      backends: backends.map((backend) => ({ kind: "local-stub", enabled: true, ...backend })),
      routing: { max_attempts: maxAttempts },
      model_aliases: [],
    },
    { log: silent },
  );
}
