import { describe, expect, test } from "bun:test";
import type { CanonicalCall } from "../../../src/core/model/call.ts";
import { checkEvents } from "../../../src/core/model/event-checker.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
import { createMessagesStreamEncoder } from "../../../src/frontends/anthropic/stream.ts";
import { createSseParser, type SseEvent } from "../../../src/sse/index.ts";
import { streamFixture } from "./fixtures.ts";

const call: CanonicalCall = { model: "claude-sonnet-4-6", messages: [], tools: [], options: {}, stream: true, sourceDialect: "anthropic", extensions: {} };

function encode(events: readonly CanonicalEvent[]): string {
  checkEvents(events);
  const encoder = createMessagesStreamEncoder(call);
  let out = "";
  for (const event of events) out += encoder.encode(event);
  return out + encoder.end();
}

function parse(sse: string): Array<{ event: string | undefined; data: Record<string, unknown> }> {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  parser.feed(new TextEncoder().encode(sse));
  expect(parser.end().truncated).toBe(false);
  return events.map((event) => ({ event: event.event, data: JSON.parse(event.data) }));
}

const head: CanonicalEvent[] = [
  { type: "response_started", id: "msg_01", model: "claude-sonnet-4-6", created: 0 },
  { type: "message_started", role: "assistant" },
];

describe("anthropic stream encoder: fixtures", () => {
  test.each(["text", "thinking-tool-use", "redacted-and-foreign-reasoning", "error-after-output", "max-tokens", "gemini-signed-tool-calls"])("%s encodes to the exact expected SSE", (name) => {
    const { events, sse } = streamFixture(name);
    const out = encode(events);
    expect(out).toBe(sse);
    // Every frame names its event and carries the same `type` in its JSON, as SDKs dispatch on either.
    for (const frame of parse(out)) expect(frame.data.type).toBe(frame.event);
  });

  test("usage arithmetic: canonical input 1250 with 1000 cached and 200 written is Anthropic input 50", () => {
    const frames = parse(encode(streamFixture("text").events));
    expect(frames.find((frame) => frame.event === "message_delta")!.data.usage).toEqual({
      input_tokens: 50,
      cache_creation_input_tokens: 200,
      cache_read_input_tokens: 1000,
      output_tokens: 300,
    });
  });

  test("a stream that fails after output ends with an error event and no message_stop", () => {
    const frames = parse(encode(streamFixture("error-after-output").events));
    expect(frames.at(-1)).toEqual({ event: "error", data: { type: "error", error: { type: "overloaded_error", message: "upstream overloaded" } } });
    expect(frames.some((frame) => frame.event === "message_stop" || frame.event === "message_delta")).toBe(false);
  });
});

describe("anthropic stream encoder: block rules", () => {
  test("any tool_use block makes stop_reason tool_use even when the backend said stop", () => {
    const frames = parse(
      encode([
        ...head,
        { type: "tool_call_started", index: 0, id: "toolu_1", name: "Bash" },
        { type: "tool_call_args_delta", index: 0, delta: '{"command":"ls"}' },
        { type: "tool_call_finished", index: 0, arguments: '{"command":"ls"}' },
        { type: "response_finished", finishReason: "stop", rawFinishReason: "STOP" },
      ]),
    );
    expect(frames.find((frame) => frame.event === "message_delta")!.data.delta).toEqual({ stop_reason: "tool_use", stop_sequence: null });
  });

  test("a signature split over several deltas goes out once, whole, right before the block stops", () => {
    const frames = parse(
      encode([
        ...head,
        { type: "reasoning_delta", index: 0, text: "Hmm." },
        { type: "reasoning_signature_delta", index: 0, signature: { dialect: "anthropic", value: "Eu8B" } },
        { type: "reasoning_signature_delta", index: 0, signature: { dialect: "anthropic", value: "CkYI" } },
        { type: "response_finished", finishReason: "stop" },
      ]),
    );
    const types = frames.map((frame) => (frame.event === "content_block_delta" ? (frame.data.delta as { type: string }).type : frame.event));
    expect(types).toEqual(["message_start", "content_block_start", "thinking_delta", "signature_delta", "content_block_stop", "message_delta", "message_stop"]);
    expect(frames[3]!.data.delta).toEqual({ type: "signature_delta", signature: "Eu8BCkYI" });
  });

  test("reasoning without a signature is a thinking block with no signature_delta", () => {
    const frames = parse(encode([...head, { type: "reasoning_delta", index: 0, text: "Let me see." }, { type: "text_delta", index: 1, text: "Yes." }, { type: "response_finished", finishReason: "stop" }]));
    expect(frames.filter((frame) => frame.event === "content_block_delta").map((frame) => (frame.data.delta as { type: string }).type)).toEqual(["thinking_delta", "text_delta"]);
  });

  test("a signature with no reasoning text still opens a thinking block, so the client can echo it", () => {
    const frames = parse(encode([...head, { type: "reasoning_signature_delta", index: 0, signature: { dialect: "anthropic", value: "EqQB" } }, { type: "response_finished", finishReason: "stop" }]));
    expect(frames.slice(1, 4).map((frame) => frame.data)).toEqual([
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "EqQB" } },
      { type: "content_block_stop", index: 0 },
    ]);
  });

  test("a finish without message_started still opens the message first", () => {
    const frames = parse(encode([{ type: "response_started", id: "x1", model: "", created: 0 }, { type: "response_finished", finishReason: "stop" }]));
    expect(frames.map((frame) => frame.event)).toEqual(["message_start", "message_delta", "message_stop"]);
    expect((frames[0]!.data.message as { id: string; model: string })).toMatchObject({ id: "msg_x1", model: "claude-sonnet-4-6" });
  });

  test("pause, refusal and context-window reasons map to Anthropic's", () => {
    const reasonOf = (finish: CanonicalEvent) => parse(encode([...head, { type: "text_delta", index: 0, text: "." }, finish])).find((frame) => frame.event === "message_delta")!.data.delta;
    expect(reasonOf({ type: "response_finished", finishReason: "pause" })).toEqual({ stop_reason: "pause_turn", stop_sequence: null });
    expect(reasonOf({ type: "response_finished", finishReason: "content_filter", rawFinishReason: "SAFETY" })).toEqual({ stop_reason: "refusal", stop_sequence: null });
    expect(reasonOf({ type: "response_finished", finishReason: "length", rawFinishReason: "model_context_window_exceeded" })).toEqual({ stop_reason: "model_context_window_exceeded", stop_sequence: null });
  });

  test("keepalive is Anthropic's ping event", () => {
    expect(parse(createMessagesStreamEncoder(call).keepalive() as string)).toEqual([{ event: "ping", data: { type: "ping" } }]);
  });
});
