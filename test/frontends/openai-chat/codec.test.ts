import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { CanonicalCall } from "../../../src/core/model/call.ts";
import { checkEvents } from "../../../src/core/model/event-checker.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
import type { ToolCallPart } from "../../../src/core/model/parts.ts";
import { LipError } from "../../../src/core/model/errors.ts";
import { createCollector } from "../../../src/core/collect.ts";
import { decodeChatRequest } from "../../../src/frontends/openai-chat/decode.ts";
import { createChatStreamEncoder, encodeChatResponse } from "../../../src/frontends/openai-chat/encode.ts";

const fixture = async (name: string) => Bun.file(join(import.meta.dir, "../../../testdata/openai-chat", name)).json();

describe("Chat decode", () => {
  test("an agent turn maps every field into the canonical call", async () => {
    const call = decodeChatRequest(await fixture("agent-turn.request.json"));
    expect(call.messages.map((message) => message.role)).toEqual(["system", "developer", "user", "assistant", "tool", "tool"]);
    expect(call.messages[2]!.parts[1]).toEqual({ type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" }, detail: "high" });
    expect(call.messages[3]!.parts).toEqual([
      { type: "reasoning", text: "The user wants two things.", kind: "thinking", signature: { dialect: "anthropic", value: "EqQBCkYIBxgCKkD" } },
      { type: "tool_call", id: "call_weather", name: "get_weather", arguments: '{"city":"Paris"}' },
      { type: "tool_call", id: "call_time", name: "get_time", arguments: '{"tz":"Europe/Paris"}' },
    ]);
    expect(call.messages[5]!.parts[0]).toEqual({ type: "tool_result", callId: "call_time", content: [{ type: "text", text: "14:05" }] });
    expect(call.tools.map((tool) => [tool.name, tool.strict])).toEqual([["get_weather", true], ["get_time", undefined]]);
    expect(call.toolChoice).toEqual({ type: "auto" });
    expect(call.options).toEqual({
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 2048,
      stop: ["END"],
      reasoning: { effort: "high", enabled: true },
      responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true },
      parallelToolCalls: true,
      seed: 7,
      user: "user-42",
    });
    expect(call.stream).toBe(true);
    expect(call.includeUsage).toBe(true);
    // Fields we do not model ride along for Chat backends instead of being dropped.
    expect(call.extensions["openai-chat"]).toEqual({ logprobs: true, service_tier: "flex" });
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ["missing messages", { model: "m" }, "messages: expected array"],
    ["empty messages", { model: "m", messages: [] }, "at least one message"],
    ["audio input", { model: "m", messages: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }] }, "input_audio"],
    ["named tool_choice without that tool", { model: "m", messages: [{ role: "user", content: "x" }], tool_choice: { type: "function", function: { name: "nope" } } }, "no tool named 'nope'"],
    ["temperature out of range", { model: "m", messages: [{ role: "user", content: "x" }], temperature: 3 }, "temperature: must be ≤ 2"],
    ["five stop sequences", { model: "m", messages: [{ role: "user", content: "x" }], stop: ["a", "b", "c", "d", "e"] }, "at most 4"],
    ["deprecated functions", { model: "m", messages: [{ role: "user", content: "x" }], functions: [] }, "deprecated"],
    ["unknown reasoning effort", { model: "m", messages: [{ role: "user", content: "x" }], reasoning_effort: "ultra" }, "reasoning_effort"],
  ];
  for (const [name, body, message] of invalid) {
    test(`rejects ${name} with a 400 naming the problem`, () => {
      try {
        decodeChatRequest(body);
        throw new Error("expected a 400");
      } catch (thrown) {
        expect(thrown).toBeInstanceOf(LipError);
        expect((thrown as LipError).error.status).toBe(400);
        expect((thrown as LipError).error.message).toContain(message);
      }
    });
  }
});

const call: CanonicalCall = { model: "m", messages: [], tools: [], options: {}, stream: true, sourceDialect: "openai-chat", extensions: {}, includeUsage: true };

const events: CanonicalEvent[] = checkEvents([
  { type: "response_started", id: "abc", model: "gpt-x", created: 1700000000 },
  { type: "message_started", role: "assistant" },
  { type: "reasoning_delta", index: 0, text: "Hmm" },
  { type: "reasoning_signature_delta", index: 0, signature: { dialect: "anthropic", value: "sig" } },
  { type: "text_delta", index: 1, text: "Let me check." },
  { type: "tool_call_started", index: 2, id: "c1", name: "get_weather" },
  { type: "tool_call_args_delta", index: 2, delta: '{"city":' },
  { type: "tool_call_args_delta", index: 2, delta: '"Paris"}' },
  { type: "tool_call_finished", index: 2, arguments: '{"city":"Paris"}' },
  { type: "tool_call_started", index: 3, id: "c2", name: "get_time" },
  { type: "tool_call_args_delta", index: 3, delta: "{}" },
  { type: "tool_call_finished", index: 3, arguments: "{}" },
  { type: "usage", usage: { inputTokens: 1250, outputTokens: 300, cacheReadTokens: 1000, reasoningTokens: 40 } },
  { type: "response_finished", finishReason: "tool_calls" },
]) as CanonicalEvent[];

describe("Chat stream encoding", () => {
  test("deltas, parallel tool indices, finish, usage chunk and [DONE]", () => {
    const encoder = createChatStreamEncoder(call);
    const text = events.map((event) => encoder.encode(event)).join("") + encoder.end();
    const data = text.split("\n\n").filter(Boolean).map((frame) => frame.replace(/^data: /, ""));
    expect(data.at(-1)).toBe("[DONE]");
    const chunks = data.slice(0, -1).map((json) => JSON.parse(json) as { id: string; model: string; choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>; usage?: Record<string, unknown> });
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(["chatcmpl-abc"]));
    expect(chunks.map((chunk) => chunk.choices[0]?.delta ?? null)).toEqual([
      { role: "assistant", content: "" },
      { reasoning_content: "Hmm" },
      { reasoning_details: [{ type: "reasoning.text", text: "Hmm", signature: "sig", format: "anthropic" }] },
      { content: "Let me check." },
      { tool_calls: [{ index: 0, id: "c1", type: "function", function: { name: "get_weather", arguments: "" } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
      { tool_calls: [{ index: 1, id: "c2", type: "function", function: { name: "get_time", arguments: "" } }] },
      { tool_calls: [{ index: 1, function: { arguments: "{}" } }] },
      {},
      null,
    ]);
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)!.usage).toEqual({
      prompt_tokens: 1250,
      completion_tokens: 300,
      total_tokens: 1550,
      prompt_tokens_details: { cached_tokens: 1000 },
      completion_tokens_details: { reasoning_tokens: 40 },
    });
  });

  test("a call whose arguments arrive only in tool_call_finished (no-argument tools, whole-call backends) still streams them", () => {
    const encoder = createChatStreamEncoder(call);
    const wholeCalls: CanonicalEvent[] = [
      events[0]!,
      events[1]!,
      { type: "tool_call_started", index: 0, id: "toolu_now", name: "now" },
      { type: "tool_call_finished", index: 0, arguments: "{}" },
      { type: "tool_call_started", index: 1, id: "toolu_city", name: "weather" },
      { type: "tool_call_args_delta", index: 1, delta: '{"city":' },
      { type: "tool_call_finished", index: 1, arguments: '{"city":"Oslo"}' },
      { type: "response_finished", finishReason: "tool_calls" },
    ];
    checkEvents(wholeCalls);
    const text = wholeCalls.map((event) => encoder.encode(event)).join("") + encoder.end();
    const argumentsByIndex = new Map<number, string>();
    for (const frame of text.split("\n\n").filter((line) => line.startsWith("data: {"))) {
      const chunk = JSON.parse(frame.slice(6)) as { choices: Array<{ delta: { tool_calls?: Array<{ index: number; function: { arguments?: string } }> } }> };
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) argumentsByIndex.set(delta.index, (argumentsByIndex.get(delta.index) ?? "") + (delta.function.arguments ?? ""));
    }
    expect(Object.fromEntries(argumentsByIndex)).toEqual({ 0: "{}", 1: '{"city":"Oslo"}' });
  });

  test("an error after output is a data line with an error object and no [DONE]", () => {
    const encoder = createChatStreamEncoder(call);
    const text =
      [events[0]!, events[1]!, { type: "text_delta", index: 0, text: "par" } as CanonicalEvent, { type: "error", error: { kind: "upstream", status: 502, message: "upstream cut", recoverable: false } } as CanonicalEvent]
        .map((event) => encoder.encode(event))
        .join("") + encoder.end();
    expect(text).toContain('data: {"error":{"message":"upstream cut","type":"server_error","param":null,"code":null}}');
    expect(text).not.toContain("[DONE]");
  });

  test("the JSON form carries content, reasoning details, tool calls and usage", () => {
    const collector = createCollector();
    for (const event of events) collector.add(event);
    const body = encodeChatResponse(collector.response, call) as { choices: Array<{ message: Record<string, unknown>; finish_reason: string }>; usage: Record<string, unknown> };
    expect(body.choices[0]!.finish_reason).toBe("tool_calls");
    expect(body.choices[0]!.message).toEqual({
      role: "assistant",
      content: "Let me check.",
      refusal: null,
      reasoning_content: "Hmm",
      reasoning_details: [{ type: "reasoning.text", text: "Hmm", signature: "sig", format: "anthropic" }],
      tool_calls: [
        { id: "c1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
        { id: "c2", type: "function", function: { name: "get_time", arguments: "{}" } },
      ],
    });
  });

  test("what the encoder emits decodes back to the same reasoning part (round trip)", () => {
    const collector = createCollector();
    for (const event of events) collector.add(event);
    const message = (encodeChatResponse(collector.response, call) as { choices: Array<{ message: Record<string, unknown> }> }).choices[0]!.message;
    const back = decodeChatRequest({ model: "m", messages: [{ role: "user", content: "x" }, message] });
    expect(back.messages[1]!.parts[0]).toEqual({ type: "reasoning", text: "Hmm", kind: "thinking", signature: { dialect: "anthropic", value: "sig" } });
  });
});

describe("Chat: tool-call signatures (Gemini signs function calls)", () => {
  const signed: CanonicalEvent[] = checkEvents([
    { type: "response_started", id: "g1", model: "gemini-x", created: 1700000000 },
    { type: "message_started", role: "assistant" },
    { type: "tool_call_started", index: 0, id: "c1", name: "get_weather", signature: { dialect: "gemini", value: "gsig" } },
    { type: "tool_call_finished", index: 0, arguments: '{"city":"Paris"}' },
    { type: "tool_call_started", index: 1, id: "c2", name: "get_time" },
    { type: "tool_call_finished", index: 1, arguments: "{}" },
    { type: "response_finished", finishReason: "tool_calls" },
  ]) as CanonicalEvent[];
  const expectedCall: ToolCallPart = { type: "tool_call", id: "c1", name: "get_weather", arguments: '{"city":"Paris"}', signature: { dialect: "gemini", value: "gsig" } };

  test("the JSON form carries it as an encrypted detail named by the call id, and the echo gives it back to that call", () => {
    const collector = createCollector();
    for (const event of signed) collector.add(event);
    const message = (encodeChatResponse(collector.response, call) as { choices: Array<{ message: Record<string, unknown> }> }).choices[0]!.message;
    expect(message.reasoning_details).toEqual([{ type: "reasoning.encrypted", id: "c1", data: "gsig", format: "gemini" }]);
    const back = decodeChatRequest({ model: "m", messages: [{ role: "user", content: "x" }, message] });
    expect(back.messages[1]!.parts).toEqual([expectedCall, { type: "tool_call", id: "c2", name: "get_time", arguments: "{}" }]);
  });

  test("the stream sends the detail just before its call; accumulated, it decodes the same way", () => {
    const encoder = createChatStreamEncoder(call);
    const deltas = signed
      .map((event) => encoder.encode(event))
      .join("")
      .split("\n\n")
      .filter((frame) => frame.startsWith("data: {"))
      .map((frame) => (JSON.parse(frame.slice(6)) as { choices: Array<{ delta: Record<string, any> }> }).choices[0]?.delta ?? {});
    // Each call: its start, then its arguments (sent whole at tool_call_finished).
    expect(deltas.map((delta) => Object.keys(delta).join(","))).toEqual(["role,content", "reasoning_details", "tool_calls", "tool_calls", "tool_calls", "tool_calls", ""]);
    const calls: Array<{ id: string; type: string; function: { name: string; arguments: string } }> = [];
    for (const entry of deltas.flatMap((delta) => delta.tool_calls ?? [])) {
      if (entry.id) calls[entry.index] = { id: entry.id, type: "function", function: { name: entry.function.name, arguments: "" } };
      calls[entry.index]!.function.arguments += entry.function.arguments ?? "";
    }
    const message = { role: "assistant", content: null, reasoning_details: deltas.flatMap((delta) => delta.reasoning_details ?? []), tool_calls: calls };
    const back = decodeChatRequest({ model: "m", messages: [{ role: "user", content: "x" }, message] });
    expect(back.messages[1]!.parts[0]).toEqual(expectedCall);
  });

  test("an encrypted detail naming no call of the message stays reasoning", () => {
    const back = decodeChatRequest({
      model: "m",
      messages: [
        { role: "user", content: "x" },
        {
          role: "assistant",
          content: null,
          reasoning_details: [{ type: "reasoning.encrypted", id: "elsewhere", data: "opaque", format: "openai-responses" }],
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
      ],
    });
    expect(back.messages[1]!.parts[0]).toEqual({ type: "reasoning", text: "", opaque: { dialect: "openai-responses", value: "opaque" }, id: "elsewhere" });
  });
});
