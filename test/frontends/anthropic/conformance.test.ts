import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { testConfig } from "../../helpers/config.ts";
import { startLipstd, type TestServer } from "../../helpers/lipstd.ts";
import { requestFixture } from "./fixtures.ts";

/** One lipstd with a local-stub backend per behaviour; the model `backend:model` picks it. */
const config = testConfig(
  [
    { id: "text", kind: "local-stub", text: "Hello from lipstd", chunks: 3, input_tokens: 25, output_tokens: 7 },
    { id: "echo", kind: "local-stub", echo_call: true },
    {
      id: "tools",
      kind: "local-stub",
      text: "Checking both.",
      tool_calls: [
        { name: "get_weather", args: '{"location":"Paris"}' },
        { name: "get_time", args: '{"timezone":"Europe/Paris"}' },
      ],
    },
    { id: "think", kind: "local-stub", reasoning_text: "Let me think.", text: "Done." },
    { id: "fail", kind: "local-stub", fail_status: 500 },
    { id: "busy", kind: "local-stub", fail_status: 503 },
    { id: "broken", kind: "local-stub", text: "first half, second half", chunks: 2, stream_error_after_text_delta: true },
  ],
  { routing: { max_attempts: 1 } },
);

let server: TestServer;
let client: Anthropic;

beforeAll(async () => {
  server = await startLipstd(config);
  client = new Anthropic({ baseURL: server.url, apiKey: "any-key", maxRetries: 0 });
});

afterAll(async () => {
  await server.stop();
});

interface EchoedCall {
  messages: Array<{ role: string; parts: Array<Record<string, unknown>> }>;
  tools: string[];
  options: Record<string, unknown>;
  dialect: string;
}

/** The echo backend answers with a JSON summary of the canonical call it received. */
async function echo(params: Omit<Anthropic.MessageCreateParamsNonStreaming, "model" | "max_tokens">): Promise<EchoedCall> {
  const message = await client.messages.create({ model: "echo:claude-sonnet-4-6", max_tokens: 256, ...params });
  const block = message.content[0];
  if (block?.type !== "text") throw new Error("echo answered without text");
  return JSON.parse(block.text);
}

describe("@anthropic-ai/sdk against lipstd", () => {
  test("streams text in Anthropic's event order and assembles the final message", async () => {
    const stream = client.messages.stream({ model: "text:claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] });
    const order: string[] = [];
    for await (const event of stream) order.push(event.type);
    const message = await stream.finalMessage();
    expect(order).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    expect(message.content as unknown[]).toEqual([{ type: "text", text: "Hello from lipstd" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.id).toStartWith("msg_");
    expect(message.usage).toMatchObject({ input_tokens: 25, output_tokens: 7, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 });
  });

  test("answers without streaming with the same content and usage", async () => {
    const message = await client.messages.create({ model: "text:claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] });
    expect(message).toMatchObject({ type: "message", role: "assistant", model: "claude-sonnet-4-6", stop_reason: "end_turn", stop_sequence: null });
    expect(message.content as unknown[]).toEqual([{ type: "text", text: "Hello from lipstd" }]);
    expect(message.usage).toEqual({ input_tokens: 25, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 7 } as Anthropic.Usage);
  });

  test("two parallel tool calls end with stop_reason tool_use, and their results (text, image, error) arrive as tool results", async () => {
    const tools: Anthropic.Tool[] = [
      { name: "get_weather", description: "Weather", input_schema: { type: "object", properties: { location: { type: "string" } }, required: ["location"] } },
      { name: "get_time", description: "Time", input_schema: { type: "object", properties: { timezone: { type: "string" } }, required: ["timezone"] } },
    ];
    const question: Anthropic.MessageParam = { role: "user", content: "Weather and time in Paris?" };
    const stream = client.messages.stream({ model: "tools:claude-sonnet-4-6", max_tokens: 256, tools, messages: [question] });
    const turn = await stream.finalMessage();
    expect(turn.stop_reason).toBe("tool_use");
    const uses = turn.content.filter((block): block is Anthropic.ToolUseBlock => block.type === "tool_use");
    expect(uses.map((use) => [use.name, use.input])).toEqual([
      ["get_weather", { location: "Paris" }],
      ["get_time", { timezone: "Europe/Paris" }],
    ]);

    const echoed = await echo({
      tools,
      messages: [
        question,
        { role: "assistant", content: turn.content as Anthropic.ContentBlockParam[] },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: uses[0]!.id,
              content: [
                { type: "text", text: "18°C, cloudy" },
                { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
              ],
            },
            { type: "tool_result", tool_use_id: uses[1]!.id, content: [{ type: "text", text: "clock offline" }], is_error: true },
            { type: "text", text: "Thanks!" },
          ],
        },
      ],
    });
    expect(echoed.dialect).toBe("anthropic");
    expect(echoed.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool", "user"]);
    expect(echoed.messages[1]!.parts.filter((part) => part.type === "tool_call")).toEqual([
      { type: "tool_call", id: uses[0]!.id, name: "get_weather", arguments: '{"location":"Paris"}' },
      { type: "tool_call", id: uses[1]!.id, name: "get_time", arguments: '{"timezone":"Europe/Paris"}' },
    ]);
    expect(echoed.messages[2]!.parts).toEqual([
      { type: "tool_result", callId: uses[0]!.id, isError: false, content: "18°C, cloudy[image]" },
      { type: "tool_result", callId: uses[1]!.id, isError: true, content: "clock offline" },
    ]);
    expect(echoed.messages[3]!.parts).toEqual([{ type: "text", text: "Thanks!" }]);
  });

  test("image input reaches the backend as image parts", async () => {
    const pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const echoed = await echo({
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: pixel } },
            { type: "image", source: { type: "url", url: "https://example.com/ant.jpg" } },
            { type: "text", text: "What is this?" },
          ],
        },
      ],
    });
    expect(echoed.messages[0]!.parts).toEqual([
      { type: "image", source: "base64", mediaType: "image/png" },
      { type: "image", source: "url" },
      { type: "text", text: "What is this?" },
    ]);
  });

  test("a thinking block comes with a signature, and sent back it reaches the backend with the same signature", async () => {
    const stream = client.messages.stream({ model: "think:claude-sonnet-4-6", max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 }, messages: [{ role: "user", content: "Think." }] });
    let signatureEvents = 0;
    stream.on("signature", () => signatureEvents++);
    const turn = await stream.finalMessage();
    const thinking = turn.content[0];
    expect(thinking?.type).toBe("thinking");
    if (thinking?.type !== "thinking") return;
    expect(thinking.thinking).toBe("Let me think.");
    expect(thinking.signature).not.toBe("");
    expect(signatureEvents).toBe(1);

    const echoed = await echo({
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: [{ role: "user", content: "Think." }, { role: "assistant", content: turn.content as Anthropic.ContentBlockParam[] }, { role: "user", content: "And now?" }],
    });
    expect(echoed.messages[1]!.parts[0]).toEqual({ type: "reasoning", text: "Let me think.", signature: { dialect: "local-stub", value: "stub-signature" } });
    expect(echoed.options.reasoning).toEqual({ enabled: true, budgetTokens: 1024 });
  });

  test("a Claude Code turn (system blocks, role:system entry, tools, adaptive thinking, metadata) decodes end to end on ?beta=true", async () => {
    const body = { ...requestFixture("claude-code-turn"), model: "echo:claude-opus-4-7" };
    const response = await fetch(`${server.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-api-key": "any-key",
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27",
      },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const text = (await response.text())
      .split("\n")
      .filter((line) => line.startsWith("data: "))
      .map((line) => JSON.parse(line.slice(6)))
      .filter((data) => data.type === "content_block_delta")
      .map((data) => data.delta.text)
      .join("");
    const echoed: EchoedCall = JSON.parse(text);
    expect(echoed.messages.map((message) => message.role)).toEqual(["system", "system", "user"]);
    expect(echoed.tools).toEqual(["Bash", "Read", "Edit"]);
    expect(echoed.options).toMatchObject({ maxOutputTokens: 64000, reasoning: { enabled: true, adaptive: true, effort: "high" } });
    // The hosted web_search tool cannot reach a non-Anthropic backend: that is logged, not silent.
    expect(server.logs.some((line) => line.level === "warn" && line.message.includes("server tools"))).toBe(true);
  });

  test("usage reported by countTokens is a positive count", async () => {
    const count = await client.messages.countTokens({ model: "text:claude-sonnet-4-6", messages: [{ role: "user", content: "How many tokens is this?" }] });
    expect(count.input_tokens).toBeGreaterThan(0);
  });

  test("models.list pages Anthropic model objects; the OpenAI listing on the same path is untouched", async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toContain("echo:stub-default");
    expect(page.data[0]).toEqual({ type: "model", id: page.data[0]!.id, display_name: page.data[0]!.id, created_at: "1970-01-01T00:00:00Z" } as Anthropic.ModelInfo);
    expect(page.has_more).toBe(false);
    const firstTwo = await client.models.list({ limit: 2 });
    expect(firstTwo.data).toHaveLength(2);
    expect(firstTwo.has_more).toBe(true);
    const next = await client.models.list({ limit: 2, after_id: firstTwo.last_id! });
    expect(next.data[0]!.id).toBe(page.data[2]!.id);
    const openai = (await (await fetch(`${server.url}/v1/models`)).json()) as { object: string };
    expect(openai.object).toBe("list");
  });
});

describe("@anthropic-ai/sdk errors from lipstd", () => {
  test("a missing max_tokens is a typed BadRequestError naming the field", async () => {
    const failure = await client.messages.create({ model: "text:m", messages: [{ role: "user", content: "Hi" }] } as unknown as Anthropic.MessageCreateParamsNonStreaming).catch((thrown: unknown) => thrown);
    expect(failure).toBeInstanceOf(Anthropic.BadRequestError);
    const error = failure as InstanceType<typeof Anthropic.BadRequestError>;
    expect(error.status).toBe(400);
    expect(error.type).toBe("invalid_request_error");
    expect(error.message).toContain("max_tokens");
  });

  test("an upstream 500 before output is an InternalServerError with that status", async () => {
    const failure = await client.messages.create({ model: "fail:m", max_tokens: 16, messages: [{ role: "user", content: "Hi" }] }).catch((thrown: unknown) => thrown);
    expect(failure).toBeInstanceOf(Anthropic.InternalServerError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).status).toBe(500);
    expect((failure as InstanceType<typeof Anthropic.APIError>).type).toBe("api_error");
  });

  test("an upstream 503 before output reaches a streaming client as 503 overloaded_error", async () => {
    const failure = await client.messages.create({ model: "busy:m", max_tokens: 16, stream: true, messages: [{ role: "user", content: "Hi" }] }).catch((thrown: unknown) => thrown);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).status).toBe(503);
    expect((failure as InstanceType<typeof Anthropic.APIError>).type).toBe("overloaded_error");
  });

  test("a stream that breaks after output makes the SDK's iteration throw instead of ending cleanly", async () => {
    const stream = await client.messages.create({ model: "broken:m", max_tokens: 16, stream: true, messages: [{ role: "user", content: "Hi" }] });
    const seen: string[] = [];
    let failure: unknown;
    try {
      for await (const event of stream) {
        if (event.type === "content_block_delta" && event.delta.type === "text_delta") seen.push(event.delta.text);
      }
    } catch (thrown) {
      failure = thrown;
    }
    expect(seen.join("")).toBe("first half, ");
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).type).toBe("api_error");
  });
});
