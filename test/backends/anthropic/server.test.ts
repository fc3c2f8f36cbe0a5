/**
 * Anthropic backends inside a real lipstd, driven by the official OpenAI SDK through the Chat
 * frontend: failover before output, errors after output, and a cross-dialect tool round trip.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { type Emulator, startEmulator } from "../../emulators/anthropic.ts";
import { testConfig } from "../../helpers/config.ts";
import { startLipstd, type TestServer } from "../../helpers/lipstd.ts";

let flaky: Emulator;
let steady: Emulator;
let server: TestServer;
let client: OpenAI;

beforeAll(async () => {
  // "flaky" answers by key: 529 overloaded before output, or a stream that breaks after text.
  flaky = startEmulator({
    script: (request) =>
      request.key === "overloaded"
        ? { error: { status: 529, message: "Overloaded" } }
        : request.key === "early"
          ? { reply: {}, streamError: { message: "Overloaded", variant: "overloaded_error" } }
          : { reply: { text: ["partial ", "answer ", "that ", "breaks"] }, streamError: { message: "Overloaded", variant: "overloaded_error" } },
  });
  steady = startEmulator({
    script: (request) =>
      request.body?.tools
        ? {
            reply: {
              text: "Calling both.",
              toolCalls: [
                { id: "toolu_p", name: "weather", arguments: '{"city":"Paris"}' },
                { id: "toolu_o", name: "weather", arguments: ['{"city"', ':"Oslo"}'] },
              ],
              usage: { input: 1250, cached: 1000, output: 300 },
              anthropic: { cacheWrite: 200 },
            },
          }
        : { reply: { text: ["steady ", "answer"] } },
  });
  server = await startLipstd(
    testConfig(
      [
        { id: "a", kind: "anthropic", base_url: flaky.url, api_key: "overloaded" },
        { id: "broken", kind: "anthropic", base_url: flaky.url, api_key: "breaks" },
        { id: "early", kind: "anthropic", base_url: flaky.url, api_key: "early" },
        { id: "b", kind: "anthropic", base_url: steady.url, api_key: "fine" },
      ],
      { routing: { max_attempts: 3, default_route: "a:claude-sonnet-4-5|b:claude-sonnet-4-5" } },
    ),
    { env: {} },
  );
  client = new OpenAI({ apiKey: "client-key", baseURL: `${server.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await server.stop();
  await flaky.stop();
  await steady.stop();
});

describe("anthropic backends in lipstd", () => {
  test("529 before output fails over to the next backend (routing.default_route a|b)", async () => {
    const before = flaky.requests.length;
    const completion = await client.chat.completions.create({ model: "anything", messages: [{ role: "user", content: "hi" }] });
    expect(completion.choices[0]!.message.content).toBe("steady answer");
    expect(flaky.requests.length).toBe(before + 1);
  });

  test("the same failover for a stream selected with X-LIP-Route", async () => {
    const stream = await client.chat.completions.create(
      { model: "anything", messages: [{ role: "user", content: "hi" }], stream: true },
      { headers: { "X-LIP-Route": "a:claude-sonnet-4-5|b:claude-sonnet-4-5" } },
    );
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("steady answer");
  });

  test("an overloaded_error event before any content also fails over", async () => {
    const completion = await client.chat.completions.create(
      { model: "anything", messages: [{ role: "user", content: "hi" }] },
      { headers: { "X-LIP-Route": "early:claude-sonnet-4-5|b:claude-sonnet-4-5" } },
    );
    expect(completion.choices[0]!.message.content).toBe("steady answer");
    expect(flaky.requests.at(-1)!.key).toBe("early");
  });

  test("an upstream error after output reaches the client: the SDK stream throws after the text", async () => {
    const stream = await client.chat.completions.create(
      { model: "anything", messages: [{ role: "user", content: "hi" }], stream: true },
      { headers: { "X-LIP-Route": "broken:claude-sonnet-4-5|b:claude-sonnet-4-5" } },
    );
    let text = "";
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(text.length).toBeGreaterThan(0);
    expect(text).toBe("partial answer that breaks");
  });

  test("a Chat client gets Anthropic's parallel tool calls and cache-aware usage", async () => {
    const stream = client.chat.completions.stream(
      {
        model: "anything",
        messages: [{ role: "user", content: "weather?" }],
        tools: [{ type: "function", function: { name: "weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
        stream_options: { include_usage: true },
      },
      { headers: { "X-LIP-Route": "b:claude-sonnet-4-5" } },
    );
    const completion = await stream.finalChatCompletion();
    const message = completion.choices[0]!.message;
    expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
    expect(message.tool_calls?.map((call) => [call.id, call.type === "function" ? JSON.parse(call.function.arguments) : undefined])).toEqual([
      ["toolu_p", { city: "Paris" }],
      ["toolu_o", { city: "Oslo" }],
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 1250, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1000 } });
    const sent = steady.requests.at(-1)!.body as Record<string, unknown>;
    expect(sent.tools).toEqual([{ name: "weather", input_schema: { type: "object", properties: { city: { type: "string" } } } }]);
    expect(sent.max_tokens).toBe(8192);
  });
});
