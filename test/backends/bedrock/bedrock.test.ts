import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { bedrockKind, checkEndpoint } from "../../../src/backends/bedrock/kind.ts";
import { converseInput } from "../../../src/backends/bedrock/request.ts";
import { createConverseMapper } from "../../../src/backends/bedrock/stream.ts";
import type { CanonicalCall } from "../../../src/core/model/call.ts";
import { checkEvents } from "../../../src/core/model/event-checker.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
import { testConfig } from "../../helpers/config.ts";
import { startLipstd, type TestServer } from "../../helpers/lipstd.ts";
import { startEmulator } from "../../emulators/bedrock.ts";
import type { Emulator, Step } from "../../emulators/harness.ts";
import { environment, runError, userCall } from "../helpers.ts";

const baseCall: CanonicalCall = { model: "m", messages: [], tools: [], options: {}, stream: true, sourceDialect: "openai-chat", extensions: {} };

describe("bedrock request mapping", () => {
  test("whitespace-only text is left out and a final assistant prefill loses its trailing whitespace (Converse rejects both)", () => {
    const input = converseInput(
      {
        ...baseCall,
        messages: [
          { role: "system", parts: [{ type: "text", text: " " }] },
          { role: "user", parts: [{ type: "text", text: "weather?" }] },
          { role: "assistant", parts: [{ type: "text", text: "\n\n" }, { type: "tool_call", id: "t1", name: "get_weather", arguments: "{}" }] },
          { role: "tool", parts: [{ type: "tool_result", callId: "t1", content: [{ type: "text", text: "sunny" }] }] },
          { role: "assistant", parts: [{ type: "text", text: "It is " }] },
        ],
      },
      "anthropic.claude",
      8192,
    );
    expect(input.system).toBeUndefined();
    expect(input.messages).toEqual([
      { role: "user", content: [{ text: "weather?" }] },
      { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "get_weather", input: {} } }] },
      { role: "user", content: [{ toolResult: { toolUseId: "t1", content: [{ text: "sunny" }] } }] },
      { role: "assistant", content: [{ text: "It is" }] },
    ]);
  });

  test("system hoisted, tool results first in a merged user turn, tools and inference config", () => {
    const input = converseInput(
      {
        ...baseCall,
        messages: [
          { role: "system", parts: [{ type: "text", text: "be brief" }] },
          { role: "user", parts: [{ type: "text", text: "weather?" }] },
          { role: "assistant", parts: [{ type: "tool_call", id: "t1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
          { role: "tool", parts: [{ type: "tool_result", callId: "t1", content: [{ type: "text", text: "sunny" }] }] },
          { role: "user", parts: [{ type: "text", text: "thanks" }] },
        ],
        tools: [{ name: "get_weather", parameters: { type: "object" } }],
        toolChoice: { type: "required" },
        options: { maxOutputTokens: 100, temperature: 0.1, stop: ["END"] },
      },
      "anthropic.claude",
      8192,
    );
    expect(input.system).toEqual([{ text: "be brief" }]);
    expect(input.messages!.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
    expect(input.messages![2]!.content).toEqual([{ toolResult: { toolUseId: "t1", content: [{ text: "sunny" }] } }, { text: "thanks" }]);
    expect(input.messages![1]!.content).toEqual([{ toolUse: { toolUseId: "t1", name: "get_weather", input: { city: "Paris" } } }]);
    expect(input.toolConfig).toEqual({ tools: [{ toolSpec: { name: "get_weather", inputSchema: { json: { type: "object" } } } }], toolChoice: { any: {} } });
    expect(input.inferenceConfig).toEqual({ maxTokens: 100, temperature: 0.1, stopSequences: ["END"] });
  });

  test("only Bedrock-signed reasoning is replayed; URL images are a clear 400", () => {
    const input = converseInput(
      {
        ...baseCall,
        messages: [
          { role: "user", parts: [{ type: "text", text: "q" }] },
          {
            role: "assistant",
            parts: [
              { type: "reasoning", text: "mine", signature: { dialect: "bedrock", value: "sig" } },
              { type: "reasoning", text: "foreign", signature: { dialect: "anthropic", value: "x" } },
              { type: "text", text: "a" },
            ],
          },
        ],
      },
      "m",
      undefined,
    );
    expect(input.messages![1]!.content).toEqual([{ reasoningContent: { reasoningText: { text: "mine", signature: "sig" } } }, { text: "a" }]);
    expect(() =>
      converseInput({ ...baseCall, messages: [{ role: "user", parts: [{ type: "image", source: { kind: "url", url: "https://x/y.png" } }] }] }, "m", undefined),
    ).toThrow(/inline bytes only/);
  });

  test("cleartext endpoints are refused unless on loopback", () => {
    expect(() => checkEndpoint("http://127.0.0.1:9000", "b")).not.toThrow();
    expect(() => checkEndpoint("https://bedrock-runtime.us-east-1.amazonaws.com", "b")).not.toThrow();
    expect(() => checkEndpoint("http://10.0.0.5:9000", "b")).toThrow(/only to loopback/);
  });

  test("usage adds cache tokens into canonical input", () => {
    const mapper = createConverseMapper("b", "m");
    const events: CanonicalEvent[] = [
      ...mapper.start(),
      ...mapper.map({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: "hi" } } }),
      ...mapper.map({ messageStop: { stopReason: "end_turn" } }),
      ...mapper.map({ metadata: { usage: { inputTokens: 50, outputTokens: 300, totalTokens: 1550, cacheReadInputTokens: 1000, cacheWriteInputTokens: 200 }, metrics: { latencyMs: 1 } } }),
      ...mapper.end(),
    ];
    checkEvents(events);
    expect(events.find((event) => event.type === "usage")).toEqual({
      type: "usage",
      usage: { inputTokens: 1250, outputTokens: 300, cacheReadTokens: 1000, cacheWriteTokens: 200, totalTokens: 1550 },
    });
  });
});

describe("bedrock through the AWS SDK over HTTP/2 to the emulator", () => {
  let emulator: Emulator;
  let server: TestServer;
  let client: OpenAI;
  let steps: Step[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({ script: (_request, index) => steps[Math.min(index, steps.length - 1)]! });
    server = await startLipstd(
      testConfig(
        [
          { id: "br", kind: "bedrock", base_endpoint: emulator.url, region: "us-west-2", access_key_id: "AKIDTESTKEY", secret_access_key: "test-secret" },
          { id: "stub", kind: "local-stub", text: "from stub" },
        ],
        { routing: { max_attempts: 3 } },
      ),
    );
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "x", maxRetries: 0 });
  });
  afterAll(async () => {
    await server.stop();
    await emulator.stop();
  });

  test("text, signed reasoning and two parallel tool calls stream through", async () => {
    steps = [{ reply: { reasoning: { text: "thinking", signature: "brsig" }, text: ["Hel", "lo"], toolCalls: [{ name: "a", arguments: ['{"x":', "1}"] }, { name: "b", arguments: "{}" }], usage: { input: 12, output: 7 } } }];
    const response = await client.chat.completions.create({ model: "br:anthropic.claude-x", messages: [{ role: "system", content: "sys" }, { role: "user", content: "hi" }], max_tokens: 64 });
    const message = response.choices[0]!.message as unknown as Record<string, unknown>;
    expect(message.content).toBe("Hello");
    expect(message.reasoning_details).toEqual([{ type: "reasoning.text", text: "thinking", signature: "brsig", format: "bedrock" }]);
    expect(response.choices[0]!.message.tool_calls!.map((call) => [call.type === "function" && call.function.name, call.type === "function" && call.function.arguments])).toEqual([
      ["a", '{"x":1}'],
      ["b", "{}"],
    ]);
    expect(response.choices[0]!.finish_reason).toBe("tool_calls");
    expect(response.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 7 });
    const seen = emulator.requests.at(-1)!;
    expect(seen.path).toBe("/model/anthropic.claude-x/converse-stream");
    expect(seen.headers.authorization).toContain("AWS4-HMAC-SHA256 Credential=AKIDTESTKEY/");
    expect(seen.headers.authorization).toContain("/us-west-2/bedrock/aws4_request");
    expect(seen.body).toMatchObject({ system: [{ text: "sys" }], messages: [{ role: "user", content: [{ text: "hi" }] }], inferenceConfig: { maxTokens: 64 } });
  });

  test("throttling before output fails over to the next candidate", async () => {
    steps = [{ error: { status: 429, message: "Too many requests" } }];
    const response = await client.chat.completions.create({ model: "x", messages: [{ role: "user", content: "hi" }] }, { headers: { "X-LIP-Route": "br:m|stub:m" } });
    expect(response.choices[0]!.message.content).toBe("from stub");
  });

  test("a validation error is the client's 400, not a failover", async () => {
    steps = [{ error: { status: 400, message: "messages: bad input" } }];
    const failure = await client.chat.completions.create({ model: "x", messages: [{ role: "user", content: "hi" }] }, { headers: { "X-LIP-Route": "br:m|stub:m" } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as Error).message).toContain("ValidationException");
  });

  test("an in-stream exception after output reaches the client as an error", async () => {
    steps = [{ reply: { text: ["partial ", "answer"] }, streamError: { message: "model crashed", code: "modelStreamErrorException" } }];
    const stream = await client.chat.completions.create({ model: "br:m", stream: true, messages: [{ role: "user", content: "hi" }] });
    let text = "";
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((error: unknown) => error);
    expect(text).toBe("partial answer");
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(String((failure as Error).message)).toContain("model crashed");
  });

  test("a stream that ends without messageStop is an error, not a clean end", async () => {
    steps = [{ reply: { text: "cut short" }, dropFinish: true }];
    const stream = await client.chat.completions.create({ model: "br:m", stream: true, messages: [{ role: "user", content: "hi" }] });
    const failure = await (async () => {
      for await (const _chunk of stream) {
        // drain
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
  });
});

/**
 * `http_client` timeouts hold for Bedrock too (it talks through the AWS SDK, not lipstd's fetch):
 * an upstream that holds its headers or goes silent mid-stream is a recoverable timeout that
 * cancels the request, never a hang.
 */
describe("bedrock honours the http_client timeouts", () => {
  let emulator: Emulator;
  let steps: Step[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({ script: (_request, index) => steps[Math.min(index, steps.length - 1)]! });
  });
  afterAll(async () => {
    await emulator.stop();
  });

  const backend = () =>
    bedrockKind.create(
      { id: "br", kind: "bedrock", enabled: true, base_endpoint: emulator.url, region: "us-west-2", access_key_id: "AKIDTESTKEY", secret_access_key: "test-secret" },
      environment({}, { responseHeaderTimeoutMs: 150, streamIdleTimeoutMs: 150 }),
    );

  const cases: Array<[string, Step, string]> = [
    ["headers held", { reply: { text: "late" }, headersDelayMs: 3_000 }, "upstream_headers_timeout"],
    // The SDK resolves only with the first event, so this one counts as held headers.
    ["silent before the first event", { reply: { text: "late" }, firstChunkDelayMs: 3_000 }, "upstream_headers_timeout"],
    ["silent mid-stream", { reply: { text: ["early ", "late"] }, chunkDelayMs: 3_000 }, "upstream_idle_timeout"],
  ];
  for (const [name, step, code] of cases) {
    test(`${name}: a recoverable timeout, and the upstream request is cancelled`, async () => {
      steps = [step];
      const count = emulator.requests.length;
      const { error } = await runError(backend(), userCall("hi"), { model: "anthropic.claude-x" });
      expect(error.error).toMatchObject({ kind: "timeout", recoverable: true, code });
      for (let i = 0; i < 200 && !emulator.requests[count]?.aborted; i++) await Bun.sleep(10);
      expect(emulator.requests[count]?.aborted).toBe(true);
    });
  }
});
