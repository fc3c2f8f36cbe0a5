/**
 * Anthropic client → lipstd (Anthropic frontend) → Anthropic backend → emulator: what the
 * client sends reaches the upstream as it was sent (betas, cache_control, server tools in
 * place, signed thinking), and the upstream's answer reaches the client as it was sent.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Emulator, startEmulator } from "../../emulators/anthropic.ts";
import { testConfig } from "../../helpers/config.ts";
import { startLipstd, type TestServer } from "../../helpers/lipstd.ts";

let upstream: Emulator;
let server: TestServer;
let client: Anthropic;

beforeAll(async () => {
  upstream = startEmulator({
    script: [
      {
        reply: {
          reasoning: { text: ["Paris ", "first."], signature: "sig-upstream-1" },
          text: "Checking.",
          toolCalls: [{ id: "toolu_w1", name: "weather", arguments: ['{"city":', '"Paris"}'] }],
          usage: { input: 1250, cached: 1000, output: 300 },
          anthropic: { cacheWrite: 200 },
        },
      },
    ],
  });
  server = await startLipstd(testConfig([{ id: "claude", kind: "anthropic", base_url: upstream.url, api_key: "upstream-key", count_tokens: true }]), { env: {} });
  client = new Anthropic({ apiKey: "client-key", baseURL: server.url, maxRetries: 0 });
});

afterAll(async () => {
  await server.stop();
  await upstream.stop();
});

const tools = [
  { type: "web_search_20250305", name: "web_search", max_uses: 2 },
  { name: "weather", description: "Weather by city", input_schema: { type: "object", properties: { city: { type: "string" } } }, cache_control: { type: "ephemeral" } },
];

describe("Anthropic client through lipstd to an Anthropic backend", () => {
  test("request fields arrive as the client sent them; the stream comes back intact", async () => {
    const stream = client.messages.stream(
      {
        model: "claude-sonnet-4-6",
        max_tokens: 4096,
        system: [{ type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } }],
        thinking: { type: "enabled", budget_tokens: 2048 },
        tools: tools as never,
        messages: [
          { role: "user", content: "Weather in Paris?" },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "Earlier thought.", signature: "sig-earlier" },
              { type: "tool_use", id: "toolu_0", name: "weather", input: { city: "Lyon" } },
            ],
          },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_0", content: "21C" }, { type: "text", text: "Now Paris." }] },
        ],
        context_management: { edits: [{ type: "clear_tool_uses_20250919" }] },
      } as never,
      { headers: { "anthropic-beta": "context-management-2025-06-27" } },
    );
    const message = await stream.finalMessage();
    expect(message.content).toHaveLength(3);
    expect(message.content).toMatchObject([
      { type: "thinking", thinking: "Paris first.", signature: "sig-upstream-1" },
      { type: "text", text: "Checking." },
      { type: "tool_use", id: "toolu_w1", name: "weather", input: { city: "Paris" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
    expect(message.usage).toMatchObject({ input_tokens: 50, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 300 });

    const sent = upstream.requests[0]!;
    expect(sent.headers["anthropic-beta"]).toBe("context-management-2025-06-27");
    expect(sent.headers["x-api-key"]).toBe("upstream-key");
    expect(sent.body).toMatchObject({
      model: "claude-sonnet-4-6",
      max_tokens: 4096,
      system: [{ type: "text", text: "You are terse.", cache_control: { type: "ephemeral" } }],
      thinking: { type: "enabled", budget_tokens: 2048 },
      tools,
      context_management: { edits: [{ type: "clear_tool_uses_20250919" }] },
    });
    expect(sent.body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Earlier thought.", signature: "sig-earlier" },
          { type: "tool_use", id: "toolu_0", name: "weather", input: { city: "Lyon" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_0", content: "21C" }, { type: "text", text: "Now Paris." }] },
    ]);
  });

  test("count_tokens goes to the backend's /v1/messages/count_tokens", async () => {
    const counted = await client.messages.countTokens({ model: "claude-sonnet-4-6", messages: [{ role: "user", content: "count me" }] });
    expect(counted.input_tokens).toBe(1250);
    expect(upstream.requests.at(-1)!.path).toBe("/v1/messages/count_tokens");
  });
});
