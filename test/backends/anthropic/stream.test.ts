import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { messagePayloads } from "../../../src/backends/anthropic/message-json.ts";
import { createAnthropicStreamMapper, type StreamPayload } from "../../../src/backends/anthropic/stream.ts";
import { LipError } from "../../../src/core/model/errors.ts";
import { checkEvents } from "../../../src/core/model/event-checker.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
import { createSseParser } from "../../../src/sse/index.ts";
import { renderTurn } from "../../emulators/anthropic.ts";

function run(payloads: StreamPayload[], warnings: Array<{ code: string; message: string }> = []): CanonicalEvent[] {
  const mapper = createAnthropicStreamMapper("anth", "fallback-model", warnings);
  const events = payloads.flatMap((payload) => mapper.map(payload));
  mapper.end();
  return [...checkEvents(events)];
}

const start = (usage: Record<string, number> = { input_tokens: 10, output_tokens: 1 }): StreamPayload => ({ type: "message_start", message: { id: "msg_1", model: "claude-x", usage } });
const finish = (stop_reason: string, usage: Record<string, number> = { output_tokens: 5 }, stop_sequence: string | null = null): StreamPayload[] => [
  { type: "message_delta", delta: { stop_reason, stop_sequence }, usage },
  { type: "message_stop" },
];
const textBlock = (index: number, text: string): StreamPayload[] => [
  { type: "content_block_start", index, content_block: { type: "text", text: "" } },
  { type: "content_block_delta", index, delta: { type: "text_delta", text } },
  { type: "content_block_stop", index },
];

describe("anthropic stream mapping", () => {
  test("a recorded thinking + text + tool_use stream maps block by block", () => {
    const payloads: StreamPayload[] = [];
    const parser = createSseParser((event) => payloads.push(JSON.parse(event.data) as StreamPayload));
    parser.feed(new Uint8Array(readFileSync(join(import.meta.dir, "../../../testdata/sse/anthropic-messages.txt"))));
    parser.end();
    const events = run(payloads);
    expect(events[0]).toMatchObject({ type: "response_started", id: "msg_01XFDUDYJgAACzvnptvVoYEL", model: "claude-sonnet-4-5-20250929" });
    const reasoning = events.filter((event) => event.type === "reasoning_delta").map((event) => (event as { text: string }).text).join("");
    expect(reasoning).toBe("The user wants the weather in San Francisco. I should call get_weather with the location.");
    expect(events.find((event) => event.type === "reasoning_signature_delta")).toMatchObject({ index: 0, signature: { dialect: "anthropic" } });
    expect(events.filter((event) => event.type === "text_delta").every((event) => (event as { index: number }).index === 1)).toBe(true);
    expect(events.find((event) => event.type === "tool_call_started")).toEqual({ type: "tool_call_started", index: 2, id: "toolu_01T1x1fJ34qAmk2tNTrN7Up6", name: "get_weather" });
    const finished = events.find((event) => event.type === "tool_call_finished") as { arguments: string };
    expect(JSON.parse(finished.arguments)).toEqual({ location: "San Francisco, CA", unit: "fahrenheit" });
    expect(events.at(-1)).toEqual({ type: "response_finished", finishReason: "tool_calls", rawFinishReason: "tool_use" });
  });

  test("usage: input excludes cache upstream, includes it canonically; the last message_delta wins", () => {
    const events = run([
      start({ input_tokens: 50, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 1 }),
      ...textBlock(0, "hi"),
      { type: "message_delta", delta: { stop_reason: null }, usage: { output_tokens: 100 } },
      ...finish("end_turn", { output_tokens: 300 }),
    ]);
    expect(events.find((event) => event.type === "usage")).toEqual({ type: "usage", usage: { inputTokens: 1250, cacheReadTokens: 1000, cacheWriteTokens: 200, outputTokens: 300 } });
  });

  test("stop reasons map to canonical ones and keep the raw value", () => {
    const cases: Array<[string, string]> = [
      ["end_turn", "stop"],
      ["tool_use", "tool_calls"],
      ["max_tokens", "length"],
      ["model_context_window_exceeded", "length"],
      ["pause_turn", "pause"],
      ["refusal", "content_filter"],
      ["something_new", "other"],
    ];
    for (const [raw, canonical] of cases) {
      expect(run([start(), ...textBlock(0, "x"), ...finish(raw)]).at(-1)).toEqual({ type: "response_finished", finishReason: canonical as never, rawFinishReason: raw });
    }
    expect(run([start(), ...textBlock(0, "x"), ...finish("stop_sequence", { output_tokens: 1 }, "END")]).at(-1)).toEqual({
      type: "response_finished",
      finishReason: "stop",
      rawFinishReason: "stop_sequence",
      stopSequence: "END",
    });
  });

  test("parallel tool_use blocks, redacted thinking and omitted-display thinking each get their own index", () => {
    const events = run([
      start(),
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "only-sig" } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "redacted_thinking", data: "R3D" } },
      { type: "content_block_stop", index: 1 },
      { type: "content_block_start", index: 2, content_block: { type: "tool_use", id: "toolu_a", name: "f", input: {} } },
      { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: '{"a":' } },
      { type: "content_block_delta", index: 2, delta: { type: "input_json_delta", partial_json: "1}" } },
      { type: "content_block_stop", index: 2 },
      { type: "content_block_start", index: 3, content_block: { type: "tool_use", id: "toolu_b", name: "g", input: {} } },
      { type: "content_block_stop", index: 3 },
      ...finish("tool_use"),
    ]);
    const content = events.filter((event) => !["response_started", "message_started", "usage", "response_finished"].includes(event.type));
    expect(content).toEqual([
      { type: "reasoning_signature_delta", index: 0, signature: { dialect: "anthropic", value: "only-sig" } },
      { type: "reasoning_signature_delta", index: 1, opaque: { dialect: "anthropic", value: "R3D" } },
      { type: "tool_call_started", index: 2, id: "toolu_a", name: "f" },
      { type: "tool_call_args_delta", index: 2, delta: '{"a":' },
      { type: "tool_call_args_delta", index: 2, delta: "1}" },
      { type: "tool_call_finished", index: 2, arguments: '{"a":1}' },
      { type: "tool_call_started", index: 3, id: "toolu_b", name: "g" },
      { type: "tool_call_finished", index: 3, arguments: "{}" },
    ]);
  });

  test("empty blocks leave no index gap; server tool blocks are skipped with one warning", () => {
    const events = run([
      start(),
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_stop", index: 0 },
      { type: "content_block_start", index: 1, content_block: { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: {} } },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"q":"x"}' } },
      { type: "content_block_stop", index: 1 },
      { type: "content_block_start", index: 2, content_block: { type: "web_search_tool_result" } },
      { type: "content_block_stop", index: 2 },
      { type: "content_block_start", index: 3, content_block: { type: "server_tool_use", id: "srvtoolu_2", name: "web_search", input: {} } },
      { type: "content_block_stop", index: 3 },
      ...textBlock(4, "found it"),
      ...finish("end_turn"),
    ]);
    expect(events.filter((event) => event.type === "warning").map((event) => (event as { message: string }).message)).toEqual([
      "upstream anth sent a 'server_tool_use' block, which lipstd cannot relay; it was left out",
      "upstream anth sent a 'web_search_tool_result' block, which lipstd cannot relay; it was left out",
    ]);
    expect(events.find((event) => event.type === "text_delta")).toEqual({ type: "text_delta", index: 0, text: "found it" });
  });

  test("request warnings follow message_started; ping and unknown events are ignored", () => {
    const events = run([start(), { type: "ping" }, { type: "some_future_event" }, ...textBlock(0, "ok"), ...finish("end_turn")], [{ code: "thinking_disabled", message: "m" }]);
    expect(events.slice(0, 3).map((event) => event.type)).toEqual(["response_started", "message_started", "warning"]);
  });

  test("event: error maps Anthropic error types to canonical errors", () => {
    const mapper = createAnthropicStreamMapper("anth", "m");
    mapper.map(start());
    const fail = (type: string) => {
      try {
        mapper.map({ type: "error", error: { type, message: "detail" } });
      } catch (thrown) {
        return (thrown as LipError).error;
      }
      throw new Error("no throw");
    };
    expect(fail("overloaded_error")).toMatchObject({ kind: "overloaded", recoverable: true, code: "upstream_overloaded_error" });
    expect(fail("api_error")).toMatchObject({ kind: "upstream", recoverable: true });
    expect(fail("rate_limit_error")).toMatchObject({ kind: "rate_limited", recoverable: true });
    expect(fail("invalid_request_error")).toMatchObject({ kind: "invalid_request", recoverable: false, status: 400 });
  });

  test("a stream without message_stop is truncated; content before message_start is malformed", () => {
    const mapper = createAnthropicStreamMapper("anth", "m");
    for (const payload of [start(), ...textBlock(0, "partial")]) mapper.map(payload);
    expect(() => mapper.end()).toThrow(LipError);
    expect(() => createAnthropicStreamMapper("anth", "m").map(textBlock(0, "x")[0]!)).toThrow("malformed");
  });

  test("a whole JSON message maps to the same events as its stream", () => {
    const { frames, message } = renderTurn(
      { reasoning: { text: ["hm", "m"], signature: "s" }, text: ["hello ", "world"], toolCalls: [{ id: "toolu_1", name: "f", arguments: ['{"x":', "[1,2]}"] }], usage: { input: 3, output: 4 } },
      "m",
    );
    const payloads: StreamPayload[] = [];
    const parser = createSseParser((event) => payloads.push(JSON.parse(event.data) as StreamPayload));
    for (const frame of frames) parser.feed(new TextEncoder().encode(frame));
    const streamed = run(payloads);
    const whole = run(messagePayloads(message as Parameters<typeof messagePayloads>[0]));
    const strip = (events: CanonicalEvent[]) =>
      events
        .map((event) => (event.type === "response_started" ? { ...event, created: 0 } : event))
        // A stream carries text in deltas, JSON in one piece: compare the joined content.
        .reduce<CanonicalEvent[]>((merged, event) => {
          const last = merged.at(-1);
          if (last?.type === event.type && "index" in last && "index" in event && last.index === event.index) {
            if (last.type === "text_delta" && event.type === "text_delta") return [...merged.slice(0, -1), { ...last, text: last.text + event.text }];
            if (last.type === "reasoning_delta" && event.type === "reasoning_delta") return [...merged.slice(0, -1), { ...last, text: last.text + event.text }];
            if (last.type === "tool_call_args_delta" && event.type === "tool_call_args_delta") return [...merged.slice(0, -1), { ...last, delta: last.delta + event.delta }];
          }
          return [...merged, event];
        }, []);
    expect(strip(whole)).toEqual(strip(streamed));
    expect(streamed.find((event) => event.type === "usage")).toEqual({ type: "usage", usage: { inputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 4 } });
  });
});
