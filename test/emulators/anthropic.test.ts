/**
 * The emulator is only useful if it is faithful: the official SDK, which parses streams
 * strictly, must accept what it sends and rebuild the same message from stream and JSON.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type AnthropicTurn, type Emulator, startEmulator } from "./anthropic.ts";

const turn: AnthropicTurn = {
  reasoning: { text: ["Let me think ", "about two cities."], signature: "sig-abc", encrypted: "opaque-redacted" },
  text: ["Checking ", "both."],
  toolCalls: [
    { id: "toolu_a", name: "weather", arguments: ['{"city":', '"Paris"}'] },
    { id: "toolu_b", name: "weather", arguments: '{"city":"Oslo","days":2}' },
  ],
  usage: { input: 1250, output: 300, cached: 1000 },
  anthropic: { cacheWrite: 200 },
};

const expectedContent = [
  { type: "thinking", thinking: "Let me think about two cities.", signature: "sig-abc" },
  { type: "redacted_thinking", data: "opaque-redacted" },
  { type: "text", text: "Checking both." },
  { type: "tool_use", id: "toolu_a", name: "weather", input: { city: "Paris" } },
  { type: "tool_use", id: "toolu_b", name: "weather", input: { city: "Oslo", days: 2 } },
];

let emulator: Emulator;
let client: Anthropic;

beforeAll(() => {
  emulator = startEmulator({
    script: (request) => (request.key === "busy" ? { error: { status: 529, message: "Overloaded" } } : { reply: turn }),
    rejectKeys: ["revoked"],
  });
  client = new Anthropic({ apiKey: "test-key", baseURL: emulator.url, maxRetries: 0 });
});

afterAll(() => emulator.stop());

const params = { model: "claude-test", max_tokens: 1024, messages: [{ role: "user" as const, content: "weather?" }] };

async function apiError(run: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const error = await run.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(Anthropic.APIError);
  return error as InstanceType<typeof Anthropic.APIError>;
}

describe("anthropic emulator", () => {
  test("the SDK rebuilds the scripted message from the stream, with Anthropic's cache-exclusive input_tokens", async () => {
    const streamed = await client.messages.stream(params).finalMessage();
    expect(streamed.content).toEqual(expectedContent as never);
    expect(streamed.stop_reason).toBe("tool_use");
    expect(streamed.usage).toMatchObject({ input_tokens: 50, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200, output_tokens: 300 });
  });

  test("the JSON answer equals the streamed one", async () => {
    const whole = await client.messages.create(params);
    expect(whole.content).toEqual(expectedContent as never);
    expect(whole.model).toBe("claude-test");
  });

  test("errors have the API's shape and status; revoked keys get authentication_error", async () => {
    const busy = await apiError(new Anthropic({ apiKey: "busy", baseURL: emulator.url, maxRetries: 0 }).messages.create(params));
    expect(busy.status).toBe(529);
    expect(busy.error).toMatchObject({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    const revoked = await apiError(new Anthropic({ apiKey: "revoked", baseURL: emulator.url, maxRetries: 0 }).messages.create(params));
    expect(revoked.status).toBe(401);
    expect(revoked.error).toMatchObject({ error: { type: "authentication_error" } });
  });

  test("like the API, it rejects a missing max_tokens, and sampling parameters from version 2026-10-21", async () => {
    expect((await apiError(client.messages.create({ ...params, max_tokens: undefined } as never))).status).toBe(400);
    // SDK 1.x sends anthropic-version 2026-10-21.
    expect((await apiError(client.messages.create({ ...params, temperature: 1 } as never))).status).toBe(400);
    expect(emulator.requests.at(-1)!.headers["anthropic-version"]).toBe("2026-10-21");
  });

  test("count_tokens answers input_tokens", async () => {
    const counted = await client.messages.countTokens({ model: "claude-test", messages: params.messages });
    expect(counted.input_tokens).toBe(1250);
  });
});
