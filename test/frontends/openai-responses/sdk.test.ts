import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { ResponseInputItem } from "openai/resources/responses/responses";
import type { TestServer } from "../../helpers/lipstd.ts";
import { startStubServer } from "./helpers.ts";

/**
 * Conformance with the official `openai` SDK against a real lipstd on loopback. Backends are
 * local stubs; the model `<backend>:m` picks one. `echo` answers with a JSON summary of the
 * canonical call it received, which shows what lipstd decoded from the SDK's request.
 */
const stubText = "[local-stub] deterministic assistant text";
let server: TestServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startStubServer([
    { id: "text", chunks: 4 },
    { id: "usage", input_tokens: 123, output_tokens: 45 },
    {
      id: "tools",
      tool_calls: [
        { name: "get_weather", args: '{"city":"Paris"}' },
        { name: "get_time", args: '{"zone":"CET"}' },
      ],
    },
    { id: "reason", reasoning_text: "The user greets; I should greet back.", text: "Hello!" },
    { id: "echo", echo_call: true },
    { id: "fail", fail_status: 500 },
    { id: "break", stream_error_after_text_delta: true, chunks: 3 },
  ]);
  client = new OpenAI({ apiKey: "test-key", baseURL: `${server.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await server.stop();
});

interface Echo {
  messages: Array<{ role: string; parts: Array<Record<string, any>> }>;
  tools: string[];
  options: Record<string, unknown>;
}

/** The rejection of an SDK call (its APIPromise is lazy, so it is awaited here, not inspected). */
async function rejectionOf(pending: PromiseLike<unknown>): Promise<unknown> {
  try {
    await pending;
  } catch (thrown) {
    return thrown;
  }
  throw new Error("expected the call to fail");
}

async function echo(input: ResponseInputItem[] | string, extra: Record<string, unknown> = {}): Promise<Echo> {
  const response = await client.responses.create({ model: "echo:m", input, ...extra });
  return JSON.parse(response.output_text) as Echo;
}

const tools = [
  { type: "function" as const, name: "get_weather", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: false },
  { type: "function" as const, name: "get_time", description: "Time by zone", parameters: { type: "object", properties: { zone: { type: "string" } } }, strict: false },
];

describe("openai SDK: text", () => {
  test("responses.stream: deltas arrive in order and finalResponse().output_text is the whole text", async () => {
    const stream = client.responses.stream({ model: "text:m", input: "Say something." });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
    const response = await stream.finalResponse();
    expect(deltas.length).toBe(4);
    expect(deltas.join("")).toBe(stubText);
    expect(response.output_text).toBe(stubText);
    expect(response.status).toBe("completed");
    expect(response.id).toMatch(/^resp_/);
  });

  test("responses.create without stream returns the response object with output_text", async () => {
    const response = await client.responses.create({ model: "text:m", input: "Say something." });
    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe(stubText);
    expect(response.output[0]).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(response.output[0]!.id).toMatch(/^msg_/);
  });

  test("responses.create with stream: true yields typed events ending in response.completed", async () => {
    const stream = await client.responses.create({ model: "text:m", input: "Say something.", stream: true });
    const types: string[] = [];
    let sequence = -1;
    for await (const event of stream) {
      types.push(event.type);
      expect(event.sequence_number).toBe(sequence + 1);
      sequence = event.sequence_number;
    }
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
  });
});

describe("openai SDK: usage", () => {
  test("stream and non-stream report the same usage, and totals add up", async () => {
    const plain = await client.responses.create({ model: "usage:m", input: "count" });
    const streamed = await client.responses.stream({ model: "usage:m", input: "count" }).finalResponse();
    for (const response of [plain, streamed]) {
      expect(response.usage).toMatchObject({ input_tokens: 123, output_tokens: 45, total_tokens: 168 });
      expect(response.usage!.input_tokens_details.cached_tokens).toBe(0);
      expect(response.usage!.output_tokens_details.reasoning_tokens).toBe(0);
    }
  });
});

describe("openai SDK: tool calls", () => {
  test("two parallel calls, results sent back as function_call_output reach the backend paired", async () => {
    const response = await client.responses.stream({ model: "tools:m", input: "Weather and time in Paris?", tools, parallel_tool_calls: true }).finalResponse();
    const calls = response.output.filter((item) => item.type === "function_call");
    expect(calls.map((call) => [call.name, call.arguments])).toEqual([
      ["get_weather", '{"city":"Paris"}'],
      ["get_time", '{"zone":"CET"}'],
    ]);
    for (const call of calls) {
      expect(call.id).toMatch(/^fc_/);
      expect(call.call_id).not.toBe(call.id);
    }

    const history: ResponseInputItem[] = [
      { role: "user", content: "Weather and time in Paris?" },
      ...(response.output as ResponseInputItem[]),
      { type: "function_call_output", call_id: calls[0]!.call_id, output: "18°C, cloudy" },
      { type: "function_call_output", call_id: calls[1]!.call_id, output: "14:05" },
    ];
    const received = await echo(history, { tools });
    expect(received.tools).toEqual(["get_weather", "get_time"]);
    expect(received.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool", "tool"]);
    const assistant = received.messages[1]!.parts;
    expect(assistant.map((part) => part.type)).toEqual(["text", "tool_call", "tool_call"]);
    expect(assistant[1]).toEqual({ type: "tool_call", id: calls[0]!.call_id, name: "get_weather", arguments: '{"city":"Paris"}' });
    expect(assistant[2]).toEqual({ type: "tool_call", id: calls[1]!.call_id, name: "get_time", arguments: '{"zone":"CET"}' });
    expect(received.messages[2]!.parts[0]).toEqual({ type: "tool_result", callId: calls[0]!.call_id, isError: false, content: "18°C, cloudy" });
    expect(received.messages[3]!.parts[0]).toEqual({ type: "tool_result", callId: calls[1]!.call_id, isError: false, content: "14:05" });
  });
});

describe("openai SDK: images", () => {
  test("input_image as a data URL and as an https URL reach the backend as images", async () => {
    const received = await echo([
      {
        role: "user",
        content: [
          { type: "input_text", text: "Compare these." },
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "high" },
          { type: "input_image", image_url: "https://example.com/b.jpg", detail: "auto" },
        ],
      },
    ]);
    expect(received.messages[0]!.parts).toEqual([
      { type: "text", text: "Compare these." },
      { type: "image", source: "base64", mediaType: "image/png" },
      { type: "image", source: "url" },
    ]);
  });
});

describe("openai SDK: reasoning", () => {
  test("streamed reasoning comes back as a reasoning item; replayed, the backend gets its text and signature", async () => {
    const response = await client.responses
      .stream({ model: "reason:m", input: "Hi", reasoning: { effort: "low", summary: "auto" }, include: ["reasoning.encrypted_content"] })
      .finalResponse();
    const reasoning = response.output[0]!;
    expect(reasoning.type).toBe("reasoning");
    if (reasoning.type !== "reasoning") return;
    expect(reasoning.content).toEqual([{ type: "reasoning_text", text: "The user greets; I should greet back." }]);
    expect(reasoning.encrypted_content).toStartWith("lipstd.v1:");
    expect(response.output_text).toBe("Hello!");

    const received = await echo([{ role: "user", content: "Hi" }, ...(response.output as ResponseInputItem[]), { role: "user", content: "Again" }]);
    expect(received.messages[1]!.parts[0]).toEqual({
      type: "reasoning",
      text: "The user greets; I should greet back.",
      signature: { dialect: "local-stub", value: "stub-signature" },
    });
    expect(received.messages[1]!.parts[1]).toEqual({ type: "text", text: "Hello!" });
  });

  test("a non-streamed reasoning item round-trips the same way", async () => {
    const response = await client.responses.create({ model: "reason:m", input: "Hi" });
    const received = await echo([{ role: "user", content: "Hi" }, ...(response.output as ResponseInputItem[])]);
    expect(received.messages[1]!.parts[0]).toMatchObject({ type: "reasoning", signature: { dialect: "local-stub", value: "stub-signature" } });
  });

  test("reasoning options and include reach the canonical call", async () => {
    const received = await echo("Hi", { reasoning: { effort: "high", summary: "detailed" }, include: ["reasoning.encrypted_content"] });
    expect(received.options.reasoning).toEqual({ effort: "high", enabled: true, summary: "detailed", includeThoughts: true, includeEncrypted: true });
  });
});

describe("openai SDK: errors", () => {
  test("an invalid request is a typed BadRequestError naming the parameter", async () => {
    const error = await rejectionOf(client.responses.create({ model: "text:m", input: "q", background: true }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const typed = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(typed.status).toBe(400);
    expect(typed.param).toBe("background");
    expect(typed.code).toBe("unsupported_parameter");
  });

  test("an upstream failure before output is an InternalServerError (non-stream and stream)", async () => {
    const plain = await rejectionOf(client.responses.create({ model: "fail:m", input: "q" }));
    expect(plain).toBeInstanceOf(OpenAI.InternalServerError);
    expect((plain as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(500);
    const streamed = await rejectionOf(client.responses.stream({ model: "fail:m", input: "q" }).finalResponse());
    expect(streamed).toBeInstanceOf(OpenAI.InternalServerError);
  });

  test("an upstream break after output makes the SDK stream throw, never end cleanly", async () => {
    const stream = client.responses.stream({ model: "break:m", input: "q" });
    const deltas: string[] = [];
    stream.on("response.output_text.delta", (event) => deltas.push(event.delta));
    const failure = await rejectionOf(stream.finalResponse());
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).message).toContain("broken");
    expect(deltas.length).toBe(1);
  });

  test("the raw event iterator throws on the same break", async () => {
    const stream = await client.responses.create({ model: "break:m", input: "q", stream: true });
    const types: string[] = [];
    const failure = await rejectionOf(
      (async () => {
        for await (const event of stream) types.push(event.type);
      })(),
    );
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(types).toContain("response.output_text.delta");
    expect(types).not.toContain("response.completed");
  });
});

describe("openai SDK: input token counting", () => {
  test("responses.inputTokens.count", async () => {
    const counted = await client.responses.inputTokens.count({ model: "text:m", input: "How long is this?" });
    expect(counted.object).toBe("response.input_tokens");
    expect(counted.input_tokens).toBeGreaterThan(0);
  });
});
