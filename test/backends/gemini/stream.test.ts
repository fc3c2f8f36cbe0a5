import { describe, expect, test } from "bun:test";
import { geminiFinishReason } from "../../../src/backends/gemini/finish.ts";
import { createGeminiStreamMapper } from "../../../src/backends/gemini/stream.ts";
import { geminiUsage } from "../../../src/backends/gemini/usage.ts";
import type { GeminiResponse } from "../../../src/backends/gemini/wire.ts";
import { checkEvents } from "../../../src/core/model/event-checker.ts";
import { LipError } from "../../../src/core/model/errors.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";

const head = { modelVersion: "gemini-3-flash-preview", responseId: "resp-1" };
const chunk = (parts: Array<Record<string, unknown>>, more: Record<string, unknown> = {}): GeminiResponse => ({
  candidates: [{ content: { role: "model", parts }, index: 0, ...more }],
  ...head,
});

/** Runs chunks through a mapper and checks the whole event stream's order. */
function run(chunks: GeminiResponse[]): CanonicalEvent[] {
  const mapper = createGeminiStreamMapper("g", "fallback-model");
  const events = [...chunks.flatMap((item) => mapper.map(item)), ...mapper.end()];
  return [...checkEvents(events)];
}

const content = (events: CanonicalEvent[]) => events.filter((event) => event.type !== "response_started" && event.type !== "message_started");

describe("stream mapping", () => {
  test("text deltas, the finish chunk's empty part ignored, usage and finish at the end", () => {
    const events = run([
      chunk([{ text: "Hel" }], { usageMetadata: { promptTokenCount: 12 } }),
      chunk([{ text: "lo" }]),
      { ...chunk([{ text: "" }], { finishReason: "STOP" }), usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 2, totalTokenCount: 14 } },
    ]);
    expect(events[0]).toMatchObject({ type: "response_started", id: "resp-1", model: "gemini-3-flash-preview" });
    expect(content(events)).toEqual([
      { type: "text_delta", index: 0, text: "Hel" },
      { type: "text_delta", index: 0, text: "lo" },
      { type: "usage", usage: { inputTokens: 12, outputTokens: 2, totalTokens: 14 } },
      { type: "response_finished", finishReason: "stop", rawFinishReason: "STOP" },
    ]);
  });

  test("thoughts then answer open two blocks; a signature lands on the part it came with", () => {
    const events = run([
      chunk([{ text: "Let me think", thought: true }]),
      chunk([{ text: " harder", thought: true, thoughtSignature: "sig-A" }]),
      chunk([{ text: "Answer", thoughtSignature: "sig-B" }]),
      chunk([{ text: "" }], { finishReason: "STOP" }),
    ]);
    expect(content(events)).toEqual([
      { type: "reasoning_delta", index: 0, text: "Let me think", kind: "thinking" },
      { type: "reasoning_delta", index: 0, text: " harder", kind: "thinking" },
      { type: "reasoning_signature_delta", index: 0, signature: { dialect: "gemini", value: "sig-A" } },
      { type: "text_delta", index: 1, text: "Answer", signature: { dialect: "gemini", value: "sig-B" } },
      { type: "response_finished", finishReason: "stop", rawFinishReason: "STOP" },
    ]);
  });

  test("a second signature never joins a block that has one: it opens the next block", () => {
    const events = run([
      chunk([{ text: "step one", thought: true, thoughtSignature: "s1" }]),
      chunk([{ text: "step two", thought: true, thoughtSignature: "s2" }]),
      chunk([{ text: "", thoughtSignature: "s3" }], { finishReason: "STOP" }),
    ]);
    expect(content(events).map((event) => ("index" in event ? `${event.type}@${event.index}` : event.type))).toEqual([
      "reasoning_delta@0",
      "reasoning_signature_delta@0",
      "reasoning_delta@1",
      "reasoning_signature_delta@1",
      "text_delta@2",
      "response_finished",
    ]);
    expect(content(events)[4]).toEqual({ type: "text_delta", index: 2, text: "", signature: { dialect: "gemini", value: "s3" } });
  });

  test("parallel functionCalls: whole tool blocks, ids kept or minted unique, STOP with calls is tool_calls", () => {
    const events = run([
      chunk([{ text: "Checking both." }]),
      chunk([
        { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "sig-call" },
        { functionCall: { name: "get_weather", args: { city: "Oslo" } } },
        { functionCall: { name: "get_time", args: {}, id: "gemini-id-7" } },
      ]),
      chunk([], { finishReason: "STOP" }),
    ]);
    const started = events.filter((event) => event.type === "tool_call_started");
    expect(started.map((event) => event.index)).toEqual([1, 2, 3]);
    expect(started[0]).toMatchObject({ name: "get_weather", signature: { dialect: "gemini", value: "sig-call" } });
    expect(started[1]!.signature).toBeUndefined();
    expect(started[2]!.id).toBe("gemini-id-7");
    const ids = started.map((event) => event.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toMatch(/^call_[0-9a-f]{32}$/);
    expect(events.filter((event) => event.type === "tool_call_finished").map((event) => event.arguments)).toEqual(['{"city":"Paris"}', '{"city":"Oslo"}', "{}"]);
    expect(events.at(-1)).toEqual({ type: "response_finished", finishReason: "tool_calls", rawFinishReason: "STOP" });
  });

  test("code execution parts are shown as text; media output becomes a warning", () => {
    const events = run([
      chunk([{ executableCode: { language: "PYTHON", code: "print(2+2)" } }, { codeExecutionResult: { outcome: "OUTCOME_OK", output: "4\n" } }]),
      chunk([{ inlineData: { mimeType: "image/png", data: "iVBOR" } }], { finishReason: "STOP" }),
    ]);
    const text = events.flatMap((event) => (event.type === "text_delta" ? [event.text] : [])).join("");
    expect(text).toContain("```python\nprint(2+2)\n```");
    expect(text).toContain("4\n");
    expect(events.some((event) => event.type === "warning" && event.code === "unsupported_output")).toBe(true);
  });

  test("a blocked prompt finishes as content_filter with the block reason kept", () => {
    const events = run([{ promptFeedback: { blockReason: "PROHIBITED_CONTENT" }, usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 }, ...head }]);
    expect(events.at(-1)).toEqual({ type: "response_finished", finishReason: "content_filter", rawFinishReason: "PROHIBITED_CONTENT" });
  });

  test("a body that ends without a finishReason was cut: truncated error", () => {
    const mapper = createGeminiStreamMapper("g", "m");
    mapper.map(chunk([{ text: "partial" }]));
    expect(() => mapper.end()).toThrow(LipError);
    try {
      mapper.end();
    } catch (thrown) {
      expect((thrown as LipError).error).toMatchObject({ kind: "upstream", code: "truncated_stream" });
    }
  });

  test("an {error} chunk mid-stream is a LipError of the matching kind", () => {
    const mapper = createGeminiStreamMapper("g", "m");
    mapper.map(chunk([{ text: "so far" }]));
    let thrown: unknown;
    try {
      mapper.map({ error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" } });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as LipError).error).toMatchObject({ kind: "overloaded", code: "upstream_stream_error" });
    expect((thrown as LipError).error.message).toContain("The model is overloaded");
  });
});

describe("usage arithmetic", () => {
  test("output = candidates + thoughts; input includes cached and tool-use prompt tokens", () => {
    expect(geminiUsage({ promptTokenCount: 100, cachedContentTokenCount: 40, candidatesTokenCount: 20, thoughtsTokenCount: 30, totalTokenCount: 150 })).toEqual({
      inputTokens: 100,
      outputTokens: 50,
      reasoningTokens: 30,
      cacheReadTokens: 40,
      totalTokens: 150,
    });
    expect(geminiUsage({ promptTokenCount: 10, toolUsePromptTokenCount: 5, candidatesTokenCount: 1, totalTokenCount: 16 })).toEqual({ inputTokens: 15, outputTokens: 1, totalTokens: 16 });
    expect(geminiUsage({})).toEqual({});
  });

  test("the last usageMetadata of the stream is the one reported", () => {
    const events = run([
      chunk([{ text: "a" }], { usageMetadata: { promptTokenCount: 7 } }),
      { ...chunk([{ text: "b" }], { finishReason: "STOP" }), usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 2, thoughtsTokenCount: 5, totalTokenCount: 14 } },
    ]);
    const usage = events.filter((event) => event.type === "usage");
    expect(usage).toEqual([{ type: "usage", usage: { inputTokens: 7, outputTokens: 7, reasoningTokens: 5, totalTokens: 14 } }]);
  });
});

describe("finish reasons", () => {
  test.each([
    ["STOP", false, "stop"],
    ["STOP", true, "tool_calls"],
    ["MAX_TOKENS", false, "length"],
    ["SAFETY", false, "content_filter"],
    ["RECITATION", false, "content_filter"],
    ["BLOCKLIST", false, "content_filter"],
    ["PROHIBITED_CONTENT", false, "content_filter"],
    ["SPII", false, "content_filter"],
    ["IMAGE_SAFETY", false, "content_filter"],
    ["MALFORMED_FUNCTION_CALL", false, "error"],
    ["UNEXPECTED_TOOL_CALL", true, "error"],
    ["TOO_MANY_TOOL_CALLS", true, "error"],
    ["LANGUAGE", false, "other"],
    ["OTHER", false, "other"],
  ] as const)("%s (functionCall seen: %p) → %s", (raw, sawToolCall, expected) => {
    expect(geminiFinishReason(raw, sawToolCall)).toBe(expected);
  });
});

test("request warnings come right after the message starts", () => {
  const mapper = createGeminiStreamMapper("g", "m", [{ code: "unsupported_option", message: "parallel_tool_calls: false was not applied" }]);
  const events = checkEvents([...mapper.map(chunk([{ text: "hi" }], { finishReason: "STOP" })), ...mapper.end()]);
  expect(events.slice(0, 3).map((event) => event.type)).toEqual(["response_started", "message_started", "warning"]);
});
