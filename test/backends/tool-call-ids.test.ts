/**
 * Tool-call ids minted by one provider or client travel in history to another provider, whose
 * rules differ: Chat ≤ 40 characters, Responses call_id ≤ 64, Anthropic `^[a-zA-Z0-9_-]+$`,
 * Bedrock `[a-zA-Z0-9_-]` 1–64. Every backend must send ids its provider accepts, the same id
 * for a call and its result, and distinct ids for distinct calls.
 */
import { describe, expect, test } from "bun:test";
import { convertMessages } from "../../src/backends/anthropic/messages.ts";
import { createAnthropicStreamMapper } from "../../src/backends/anthropic/stream.ts";
import { converseInput } from "../../src/backends/bedrock/request.ts";
import { createConverseMapper } from "../../src/backends/bedrock/stream.ts";
import { chatRequestBody, openaiQuirks } from "../../src/backends/openai-chat/request.ts";
import { createChatStreamMapper } from "../../src/backends/openai-chat/stream.ts";
import { responsesRequestBody } from "../../src/backends/openai-responses/request.ts";
import { createResponsesStreamMapper } from "../../src/backends/openai-responses/stream.ts";
import type { Message } from "../../src/core/model/call.ts";
import type { CanonicalEvent } from "../../src/core/model/events.ts";
import { withMessages } from "./helpers.ts";

/** Ids real clients and providers send: Gemini CLI (`name-timestamp-random`), Kimi (`functions.name:0`), an empty one, and plain ones. */
const foreignIds = [
  "mcp_github_create_pull_request_review-1763873846001-77b0e4aa",
  "run_shell_command-1763873846001-77b0e4aa",
  "functions.bash:0",
  "functions.bash:1",
  "functions_bash_0",
  "",
  "toolu_01A09q90qw90lq917835lq9",
  "call_abc123",
];

const messages: Message[] = [
  { role: "user", parts: [{ type: "text", text: "go" }] },
  { role: "assistant", parts: foreignIds.map((id, i) => ({ type: "tool_call", id, name: `tool${i}`, arguments: "{}" })) },
  ...foreignIds.map((id): Message => ({ role: "tool", parts: [{ type: "tool_result", callId: id, content: [{ type: "text", text: `result of ${id}` }] }] })),
];

/** For each original id: what the backend sent as the call's id and as its result's id. */
type SentIds = Array<{ original: string; call: string; result: string }>;

function expectValid(sent: SentIds, rule: { maxLength: number; charset?: RegExp }): void {
  for (const { original, call, result } of sent) {
    expect({ original, call }).toEqual({ original, call: result });
    expect(call.length).toBeGreaterThan(0);
    expect(call.length).toBeLessThanOrEqual(rule.maxLength);
    if (rule.charset) expect(call).toMatch(rule.charset);
  }
  expect(new Set(sent.map((entry) => entry.call)).size).toBe(sent.length);
  // Ids that already fit go out unchanged.
  for (const id of ["toolu_01A09q90qw90lq917835lq9", "call_abc123", "functions_bash_0"]) {
    expect(sent.find((entry) => entry.original === id)?.call).toBe(id);
  }
}

describe("tool-call ids crossing providers", () => {
  test("Chat: ≤ 40 characters, call and result agree", () => {
    const body = chatRequestBody(withMessages(messages), "gpt-4.1", openaiQuirks) as { messages: Array<{ role: string; tool_calls?: Array<{ id: string }>; tool_call_id?: string }> };
    const calls = body.messages.find((message) => message.tool_calls)!.tool_calls!.map((call) => call.id);
    const results = body.messages.filter((message) => message.role === "tool").map((message) => message.tool_call_id!);
    expectValid(foreignIds.map((original, i) => ({ original, call: calls[i]!, result: results[i]! })), { maxLength: 40 });
  });

  test("Responses: call_id ≤ 64, call and output agree", () => {
    const { body } = responsesRequestBody(withMessages(messages), "gpt-5", { store: false });
    const input = body.input as Array<{ type: string; call_id?: string }>;
    const calls = input.filter((item) => item.type === "function_call").map((item) => item.call_id!);
    const results = input.filter((item) => item.type === "function_call_output").map((item) => item.call_id!);
    expectValid(foreignIds.map((original, i) => ({ original, call: calls[i]!, result: results[i]! })), { maxLength: 64 });
  });

  test("Anthropic: ^[a-zA-Z0-9_-]+$ without two calls collapsing into one id", () => {
    const { messages: wire } = convertMessages(messages, []);
    const calls = wire[1]!.content.map((block) => block.id as string);
    const results = wire[2]!.content.map((block) => block.tool_use_id as string);
    expectValid(foreignIds.map((original, i) => ({ original, call: calls[i]!, result: results[i]! })), { maxLength: 64, charset: /^[a-zA-Z0-9_-]+$/ });
  });

  test("Bedrock: [a-zA-Z0-9_-] 1–64, toolUse and toolResult agree", () => {
    const input = converseInput(withMessages(messages), "anthropic.claude", 1024);
    const calls = input.messages![1]!.content!.map((block) => block.toolUse!.toolUseId!);
    const results = input.messages![2]!.content!.map((block) => block.toolResult!.toolUseId!);
    expectValid(foreignIds.map((original, i) => ({ original, call: calls[i]!, result: results[i]! })), { maxLength: 64, charset: /^[a-zA-Z0-9_-]+$/ });
  });
});

/**
 * An upstream that leaves a call without an id (some compatible servers do) must not get a
 * positional stand-in like `call_0`: every turn would reuse it, and the history then holds two
 * calls with one id, which Anthropic and Bedrock refuse and which pairs results with the wrong call.
 */
describe("tool calls without an upstream id", () => {
  const idsOf = (events: CanonicalEvent[]) => events.flatMap((event) => (event.type === "tool_call_started" ? [event.id] : []));
  const mappers: Record<string, () => CanonicalEvent[]> = {
    chat: () => createChatStreamMapper("b", "m").map({ id: "x", choices: [{ delta: { tool_calls: [{ index: 0, function: { name: "a", arguments: "{}" } }] } }] }),
    responses: () => {
      const mapper = createResponsesStreamMapper("b", "m");
      return [...mapper.map({ type: "response.created", response: { id: "resp_1" } } as never), ...mapper.map({ type: "response.output_item.added", output_index: 0, item: { type: "function_call", name: "a" } } as never)];
    },
    anthropic: () => {
      const mapper = createAnthropicStreamMapper("b", "m");
      return [...mapper.map({ type: "message_start", message: {} }), ...mapper.map({ type: "content_block_start", index: 0, content_block: { type: "tool_use", name: "a" } })];
    },
    bedrock: () => {
      const mapper = createConverseMapper("b", "m");
      return [...mapper.start(), ...mapper.map({ contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { name: "a" } as never } } })];
    },
  };
  for (const [name, turn] of Object.entries(mappers)) {
    test(`${name}: each turn's call gets an id of its own`, () => {
      const [first] = idsOf(turn());
      const [second] = idsOf(turn());
      expect(first).toBeTruthy();
      expect(second).toBeTruthy();
      expect(first).not.toBe(second);
    });
  }
});
