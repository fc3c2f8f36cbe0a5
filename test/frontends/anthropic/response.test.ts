import { describe, expect, test } from "bun:test";
import { collectEvents } from "../../../src/core/collect.ts";
import type { CanonicalCall } from "../../../src/core/model/call.ts";
import { type ErrorKind, LipError } from "../../../src/core/model/errors.ts";
import { checkEvents } from "../../../src/core/model/event-checker.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
import type { Part } from "../../../src/core/model/parts.ts";
import { anthropicFrontend } from "../../../src/frontends/anthropic/index.ts";
import { anthropicUsage, canonicalUsage } from "../../../src/frontends/anthropic/usage.ts";
import { inbound, streamFixture } from "./fixtures.ts";

const call: CanonicalCall = { model: "claude-sonnet-4-6", messages: [], tools: [], options: {}, stream: false, sourceDialect: "anthropic", extensions: {} };

async function* replay(events: readonly CanonicalEvent[]): AsyncGenerator<CanonicalEvent> {
  yield* checkEvents(events);
}

async function responseOf(events: readonly CanonicalEvent[]): Promise<Record<string, any>> {
  return anthropicFrontend.encodeResponse(await collectEvents(replay(events)), call) as Record<string, any>;
}

describe("anthropic non-streaming response", () => {
  test("thinking, text and parallel tool calls become one message with tool_use and object inputs", async () => {
    expect(await responseOf(streamFixture("thinking-tool-use").events)).toEqual({
      id: "msg_01T1x1fJ34qAmk2tNTrN7Up6",
      type: "message",
      role: "assistant",
      model: "claude-opus-4-7",
      content: [
        { type: "thinking", thinking: "The user wants the weather in San Francisco. I should call get_weather.", signature: "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds2ee==" },
        { type: "text", text: "I'll look that up." },
        { type: "tool_use", id: "toolu_01A09q90qw90lq917835lq9", name: "get_weather", input: { location: "San Francisco, CA" } },
        { type: "tool_use", id: "toolu_01B19r91rx91mr928946mr0", name: "get_time", input: { timezone: "America/Los_Angeles" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 472, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 89 },
    });
  });

  test("usage subtracts cache tokens from input; a stop sequence is reported", async () => {
    const text = await responseOf(streamFixture("text").events);
    expect(text.usage).toEqual({ input_tokens: 50, cache_creation_input_tokens: 200, cache_read_input_tokens: 1000, output_tokens: 300 });
    expect(text.stop_reason).toBe("end_turn");
    const redacted = await responseOf(streamFixture("redacted-and-foreign-reasoning").events);
    expect([redacted.stop_reason, redacted.stop_sequence]).toEqual(["stop_sequence", "END"]);
    expect(redacted.content[0]).toEqual({
      type: "redacted_thinking",
      data: "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB8URj2pLmN3kLa6Rqs5O5Ni",
    });
  });

  test("a length stop is max_tokens", async () => {
    expect((await responseOf(streamFixture("max-tokens").events)).stop_reason).toBe("max_tokens");
  });
});

describe("anthropic signature round trip: what the client echoes decodes to what was produced", () => {
  const produced: Part[] = [
    { type: "reasoning", text: "Native.", kind: "thinking", signature: { dialect: "anthropic", value: "EqQBCgIYAhIM" } },
    { type: "reasoning", text: "", opaque: { dialect: "anthropic", value: "EmwKAhgBEgy3" } },
    { type: "reasoning", text: "**Summary**", kind: "summary", id: "rs_1", opaque: { dialect: "openai-responses", value: "gAAAAABo" } },
    { type: "reasoning", text: "Gemini thought.", kind: "thinking", signature: { dialect: "gemini", value: "CiQB0e2Kb/xyz+=" } },
    { type: "reasoning", text: "", opaque: { dialect: "bedrock", value: "cmVkYWN0ZWQ=" } },
    { type: "reasoning", text: "Unsigned (DeepSeek reasoning_content).", kind: "thinking" },
    { type: "tool_call", id: "toolu_1", name: "Bash", arguments: '{"command":"ls -la"}' },
    // Gemini signs function calls; Gemini 3 rejects a turn whose calls come back without it.
    { type: "tool_call", id: "call_gem_1", name: "get_weather", arguments: '{"location":"Paris"}', signature: { dialect: "gemini", value: "CiQBVKhc7o+Fn==" } },
  ];

  test("every reasoning shape and tool call (signed or not) survives encode → client echo → decode", async () => {
    const events: CanonicalEvent[] = [{ type: "response_started", id: "msg_1", model: "m", created: 0 }, { type: "message_started", role: "assistant" }];
    produced.forEach((part, index) => {
      if (part.type === "reasoning") {
        if (part.text) events.push({ type: "reasoning_delta", index, text: part.text, ...(part.kind && { kind: part.kind }), ...(part.id && { id: part.id }) });
        if (part.signature || part.opaque) events.push({ type: "reasoning_signature_delta", index, ...(part.signature && { signature: part.signature }), ...(part.opaque && { opaque: part.opaque }) });
      } else if (part.type === "tool_call") {
        events.push({ type: "tool_call_started", index, id: part.id, name: part.name, ...(part.signature && { signature: part.signature }) }, { type: "tool_call_finished", index, arguments: part.arguments });
      }
    });
    events.push({ type: "response_finished", finishReason: "tool_calls" });
    const message = await responseOf(events);
    // The signed call is preceded by a carrier thinking block holding its signature.
    expect(message.content.map((block: { type: string }) => block.type)).toEqual(["thinking", "redacted_thinking", "thinking", "thinking", "redacted_thinking", "thinking", "tool_use", "thinking", "tool_use"]);
    expect(message.content[7].thinking).toBe("");
    expect(message.content[7].signature).toStartWith("lip1:");
    // Native Anthropic tokens travel raw; foreign ones are wrapped, never passed off as Anthropic's.
    expect(message.content[0].signature).toBe("EqQBCgIYAhIM");
    expect(message.content[3].signature).toStartWith("lip1:");
    const echoed = anthropicFrontend.decode(
      { model: "m", max_tokens: 10, messages: [{ role: "user", content: "q" }, { role: "assistant", content: message.content }] },
      inbound(),
    );
    expect(echoed.messages[1]!.parts).toEqual(produced);
  });
});

describe("anthropic usage arithmetic", () => {
  test("Anthropic {input 50, cache_read 1000, cache_creation 200, output 300} ↔ canonical {input 1250, …}", () => {
    const canonical = { inputTokens: 1250, cacheReadTokens: 1000, cacheWriteTokens: 200, outputTokens: 300 };
    const anthropic = { input_tokens: 50, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 300 };
    expect(anthropicUsage(canonical)).toEqual(anthropic);
    expect(canonicalUsage(anthropic)).toEqual({ ...canonical, totalTokens: 1550 });
  });

  test("unknown usage is reported as zeros, never negative", () => {
    expect(anthropicUsage(undefined)).toEqual({ input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 0 });
    expect(anthropicUsage({ inputTokens: 10, cacheReadTokens: 50 }).input_tokens).toBe(0);
  });
});

describe("anthropic error responses", () => {
  test.each<[ErrorKind, number | undefined, number, string]>([
    ["invalid_request", undefined, 400, "invalid_request_error"],
    ["authentication", undefined, 401, "authentication_error"],
    ["permission", undefined, 403, "permission_error"],
    ["not_found", undefined, 404, "not_found_error"],
    ["request_too_large", undefined, 413, "request_too_large"],
    ["rate_limited", undefined, 429, "rate_limit_error"],
    ["internal", undefined, 500, "api_error"],
    ["upstream", 500, 500, "api_error"],
    ["overloaded", undefined, 529, "overloaded_error"],
    ["overloaded", 503, 503, "overloaded_error"],
    ["degraded", undefined, 503, "overloaded_error"],
    ["timeout", undefined, 504, "timeout_error"],
  ])("%s (status %p) → %p %s", (kind, status, expectedStatus, type) => {
    const error = new LipError(kind, "something went wrong", status === undefined ? {} : { status }).error;
    const encoded = anthropicFrontend.encodeError(error);
    expect(encoded.status).toBe(expectedStatus);
    expect(encoded.body).toEqual({ type: "error", error: { type, message: "something went wrong" } });
  });

  test("a retry delay becomes retry-after in seconds", () => {
    const encoded = anthropicFrontend.encodeError(new LipError("rate_limited", "slow down", { retryAfterMs: 1500 }).error);
    expect(encoded.headers?.["retry-after"]).toBe("2");
  });
});
