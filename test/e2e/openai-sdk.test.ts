import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { testConfig } from "../helpers/config.ts";
import { startLipstd, type TestServer } from "../helpers/lipstd.ts";
import { type ChatUpstream, startChatUpstream } from "../emulators/chat-upstream.ts";

async function collect(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>) {
  let text = "";
  let finish: string | null = null;
  let usage: OpenAI.CompletionUsage | undefined;
  const tools = new Map<number, { id?: string; name?: string; arguments: string }>();
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    text += choice.delta.content ?? "";
    for (const call of choice.delta.tool_calls ?? []) {
      const entry = tools.get(call.index) ?? { arguments: "" };
      if (call.id) entry.id = call.id;
      if (call.function?.name) entry.name = call.function.name;
      entry.arguments += call.function?.arguments ?? "";
      tools.set(call.index, entry);
    }
    finish = choice.finish_reason ?? finish;
  }
  return { text, finish, usage, tools: [...tools.entries()].sort(([a], [b]) => a - b).map(([, call]) => call) };
}

describe("official openai SDK against lipstd with local-stub", () => {
  let server: TestServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await startLipstd(
      testConfig([
        { id: "stub", kind: "local-stub", chunks: 4 },
        { id: "tools", kind: "local-stub", text: "calling", tool_calls: [{ name: "get_weather", args: '{"city":"Paris"}' }, { name: "get_time", args: '{"tz":"CET"}' }] },
        { id: "broken", kind: "local-stub", stream_error_after_text_delta: true },
        { id: "down", kind: "local-stub", fail_status: 503 },
        { id: "thinker", kind: "local-stub", reasoning_text: "let me think", text: "answer" },
        { id: "echo", kind: "local-stub", echo_call: true },
      ]),
    );
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "unused", maxRetries: 0 });
  });
  afterAll(() => server.stop());

  test("streams text chunks to a clean finish with usage", async () => {
    const result = await collect(
      await client.chat.completions.create({ model: "stub:stub-default", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hi" }] }),
    );
    expect(result.text).toBe("[local-stub] deterministic assistant text");
    expect(result.finish).toBe("stop");
    expect(result.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 });
  });

  test("answers without streaming", async () => {
    const response = await client.chat.completions.create({ model: "stub:stub-default", messages: [{ role: "user", content: "hi" }] });
    expect(response.object).toBe("chat.completion");
    expect(response.choices[0]!.message.content).toBe("[local-stub] deterministic assistant text");
    expect(response.usage?.total_tokens).toBe(30);
  });

  test("two parallel tool calls keep their own index, id and arguments", async () => {
    const result = await collect(await client.chat.completions.create({ model: "tools:m", stream: true, messages: [{ role: "user", content: "weather?" }] }));
    expect(result.finish).toBe("tool_calls");
    expect(result.tools.map((call) => [call.name, JSON.parse(call.arguments)])).toEqual([
      ["get_weather", { city: "Paris" }],
      ["get_time", { tz: "CET" }],
    ]);
    expect(new Set(result.tools.map((call) => call.id)).size).toBe(2);
  });

  test("a break after output reaches the SDK as an error, not a clean end", async () => {
    const stream = await client.chat.completions.create({ model: "broken:m", stream: true, messages: [{ role: "user", content: "hi" }] });
    let text = "";
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((error: unknown) => error);
    expect(text).toContain("[local-stub]");
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(String((failure as Error).message)).toContain("broken after text delta");
  });

  test("a failure before output is a real HTTP status the SDK types", async () => {
    const failure = await client.chat.completions.create({ model: "down:m", messages: [{ role: "user", content: "hi" }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect((failure as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  test("a 4xx arrives as the SDK's BadRequestError", async () => {
    const failure = await client.chat.completions
      .create({ model: "stub:m", messages: [{ role: "wizard" as "user", content: "hi" }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as Error).message).toContain("unknown role 'wizard'");
  });

  test("reasoning round trip: signed reasoning comes back to the backend intact", async () => {
    const first = await client.chat.completions.create({ model: "thinker:m", messages: [{ role: "user", content: "q" }] });
    const message = first.choices[0]!.message as unknown as Record<string, unknown>;
    expect(message.reasoning_content).toBe("let me think");
    const second = await client.chat.completions.create({
      model: "echo:m",
      messages: [{ role: "user", content: "q" }, message as never, { role: "user", content: "go on" }],
    });
    const seen = JSON.parse(second.choices[0]!.message.content!) as { messages: Array<{ role: string; parts: Array<Record<string, unknown>> }> };
    expect(seen.messages[1]!.parts[0]).toEqual({ type: "reasoning", text: "let me think", signature: { dialect: "local-stub", value: "stub-signature" } });
    expect(seen.messages[1]!.parts[1]).toEqual({ type: "text", text: "answer" });
  });

  test("image input reaches the backend as an image part", async () => {
    const response = await client.chat.completions.create({
      model: "echo:m",
      messages: [{ role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQ" } }] }],
    });
    const seen = JSON.parse(response.choices[0]!.message.content!) as { messages: Array<{ parts: unknown[] }> };
    expect(seen.messages[0]!.parts).toEqual([{ type: "text", text: "what is this?" }, { type: "image", source: "base64", mediaType: "image/jpeg" }]);
  });

  test("models.list shows routable models", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain("stub:stub-default");
  });
});

describe("official openai SDK through openai-legacy to a fake Chat upstream", () => {
  let upstream: ChatUpstream;
  let standby: ChatUpstream;
  let server: TestServer;
  let client: OpenAI;
  beforeAll(async () => {
    upstream = startChatUpstream();
    standby = startChatUpstream({ deltas: [{ role: "assistant", content: "" }, { content: "from standby" }] });
    server = await startLipstd(
      testConfig(
        [
          { id: "up", kind: "openai-legacy", base_url: upstream.url, api_key: "sk-test-primary-key-0123456789" },
          { id: "standby", kind: "openai-legacy", base_url: standby.url, api_key: "sk-test-standby-key-0123456789" },
        ],
        { routing: { default_route: "up:gpt-test|standby:gpt-test", max_attempts: 3 } },
      ),
    );
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "client-key", maxRetries: 0 });
  });
  afterAll(async () => {
    await server.stop();
    upstream.stop();
    standby.stop();
  });

  test("text streams through with the backend's key and the routed model", async () => {
    upstream.script({});
    const result = await collect(await client.chat.completions.create({ model: "anything", stream: true, messages: [{ role: "user", content: "hi" }] }));
    expect(result.text).toBe("Hello world");
    const seen = upstream.requests.at(-1)!;
    expect(seen.body.model).toBe("gpt-test");
    expect(seen.headers.get("authorization")).toBe("Bearer sk-test-primary-key-0123456789");
    expect(seen.body.stream).toBe(true);
  });

  test("tool definitions and results reach the upstream in Chat form", async () => {
    upstream.script({});
    await client.chat.completions.create({
      model: "anything",
      messages: [
        { role: "user", content: "weather?" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
      tool_choice: "auto",
    });
    const body = upstream.requests.at(-1)!.body as { messages: Array<Record<string, unknown>>; tools: unknown[]; tool_choice: unknown };
    expect(body.messages[1]).toMatchObject({ role: "assistant", tool_calls: [{ id: "call_1", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] });
    expect(body.messages[2]).toEqual({ role: "tool", tool_call_id: "call_1", content: "sunny" });
    expect(body.tools).toHaveLength(1);
    expect(body.tool_choice).toBe("auto");
  });

  test("an upstream 500 before output fails over to the next backend invisibly", async () => {
    upstream.script({ status: 500 });
    const response = await client.chat.completions.create({ model: "anything", messages: [{ role: "user", content: "hi" }] });
    expect(response.choices[0]!.message.content).toBe("from standby");
  });

  test("an upstream cut after output is an error the SDK raises", async () => {
    upstream.script({ deltas: [{ role: "assistant", content: "" }, { content: "partial" }, { content: " more" }], cutAfter: 2 });
    const stream = await client.chat.completions.create({ model: "anything", stream: true, messages: [{ role: "user", content: "hi" }] });
    let text = "";
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((error: unknown) => error);
    expect(text).toBe("partial");
    expect(failure).toBeInstanceOf(OpenAI.APIError);
  });

  test("a client disconnect cancels the upstream request at once", async () => {
    upstream.script({ deltas: Array.from({ length: 50 }, (_, i) => ({ content: `tok${i} ` })), delayMs: 100 });
    const before = upstream.aborts;
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "anything", stream: true, messages: [{ role: "user", content: "hi" }] },
      { signal: controller.signal },
    );
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break;
    }
    controller.abort();
    const deadline = Date.now() + 2000;
    while (upstream.aborts === before && Date.now() < deadline) await Bun.sleep(10);
    expect(upstream.aborts).toBe(before + 1);
  });

  test("an upstream 401 is never echoed with the key", async () => {
    upstream.script({ status: 401, errorBody: { error: { message: "Incorrect API key provided: sk-test-primary-key-0123456789" } } });
    standby.script({ status: 400, errorBody: { error: { message: "bad request for sk-test-standby-key-0123456789" } } });
    const failure = await client.chat.completions.create({ model: "anything", messages: [{ role: "user", content: "hi" }] }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    const text = JSON.stringify(failure) + String((failure as Error).message);
    expect(text).not.toContain("sk-test-primary-key");
    expect(text).not.toContain("sk-test-standby-key");
    expect(JSON.stringify(server.logs)).not.toContain("sk-test-");
    standby.script({ deltas: [{ role: "assistant", content: "" }, { content: "from standby" }] });
  });
});
