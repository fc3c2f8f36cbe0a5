/**
 * The emulator is only useful if it is faithful: the official SDK, which parses streams
 * strictly, must accept what it sends and rebuild the same message from stream and JSON.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AnthropicEmulator, type EmulatedBlock, requestKey, startAnthropicEmulator } from "./anthropic.ts";

const content: EmulatedBlock[] = [
  { type: "thinking", thinking: "Let me think about the weather in two cities.", signature: "sig-abc" },
  { type: "redacted_thinking", data: "opaque-redacted" },
  { type: "text", text: "Checking both." },
  { type: "tool_use", id: "toolu_a", name: "weather", input: { city: "Paris" } },
  { type: "tool_use", id: "toolu_b", name: "weather", input: { city: "Oslo", days: 2 } },
];

let emulator: AnthropicEmulator;
let client: Anthropic;

beforeAll(async () => {
  emulator = await startAnthropicEmulator({
    script: (request) =>
      requestKey(request) === "bad"
        ? { reply: "error", status: 529, message: "Overloaded" }
        : { reply: "message", content, usage: { input_tokens: 50, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 300 }, chunkSize: 5, pingEvery: 3 },
  });
  client = new Anthropic({ apiKey: "test-key", baseURL: emulator.url, maxRetries: 0 });
});

afterAll(() => emulator.stop());

const params = { model: "claude-test", max_tokens: 1024, messages: [{ role: "user" as const, content: "weather?" }] };

describe("anthropic emulator", () => {
  test("the SDK rebuilds the scripted message from the stream", async () => {
    const streamed = await client.messages.stream(params).finalMessage();
    expect(streamed.content).toEqual(content as never);
    expect(streamed.stop_reason).toBe("tool_use");
    expect(streamed.usage).toMatchObject({ input_tokens: 50, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 300 });
  });

  test("the JSON answer equals the streamed one", async () => {
    const whole = await client.messages.create(params);
    expect(whole.content).toEqual(content as never);
    expect(whole.model).toBe("claude-test");
  });

  test("errors have the API's shape and status, and requests are recorded with headers", async () => {
    const failing = new Anthropic({ apiKey: "bad", baseURL: emulator.url, maxRetries: 0 });
    const error = await failing.messages.create(params).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect((error as { error?: unknown }).error).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    const last = emulator.requests.at(-1)!;
    expect(last.headers.authorization).toBe("Bearer bad");
    expect(last.body).toMatchObject({ model: "claude-test", max_tokens: 1024 });
  });

  test("API version 2026-10-21 rejects sampling parameters, as upstream does", async () => {
    const error = await client.messages.create({ ...params, temperature: 1 } as never).catch((thrown: unknown) => thrown);
    expect((error as InstanceType<typeof Anthropic.APIError>).status).toBe(400);
    expect(emulator.requests.at(-1)!.headers["anthropic-version"]).toBe("2026-10-21");
  });

  test("count_tokens answers input_tokens", async () => {
    const counted = await client.messages.countTokens({ model: "claude-test", messages: params.messages });
    expect(counted.input_tokens).toBe(50);
  });
});
