import { afterAll, describe, expect, test } from "bun:test";
import { customOpenaiResponsesCompatibleKind, openaiResponsesKind } from "../../src/backends/openai-responses/kind.ts";
import type { Message } from "../../src/core/model/call.ts";
import { type Emulator, startEmulator } from "../emulators/openai-responses.ts";
import { backendOf, eventTypes, run, runError, userCall, withMessages } from "./helpers.ts";

const emulators: Emulator[] = [];
function emulator(options: Parameters<typeof startEmulator>[0]): Emulator {
  const started = startEmulator(options);
  emulators.push(started);
  return started;
}
afterAll(async () => {
  await Promise.all(emulators.map((item) => item.stop()));
});

function responsesBackend(upstream: Emulator, config: Record<string, unknown> = {}) {
  return backendOf(openaiResponsesKind, { base_url: upstream.url, api_key: "sk-test-responses-0001", ...config });
}

describe("openai-responses: request", () => {
  test("a text turn is a stateless streamed request with encrypted reasoning included", async () => {
    const upstream = emulator({ script: [{ reply: { text: ["Hel", "lo"], usage: { input: 11, output: 2, cached: 4 } } }] });
    const { events, response } = await run(responsesBackend(upstream), userCall("hi"), { model: "gpt-5-mini" });
    const body = upstream.requests[0]!.body;
    expect(upstream.requests[0]!.path).toBe("/v1/responses");
    expect(upstream.requests[0]!.headers.authorization).toBe("Bearer sk-test-responses-0001");
    expect(body).toEqual({
      model: "gpt-5-mini",
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
      stream: true,
      store: false,
      include: ["reasoning.encrypted_content"],
    });
    expect(eventTypes(events)).toEqual(["response_started", "message_started", "text_delta", "text_delta", "usage", "response_finished"]);
    expect(response.parts).toEqual([{ type: "text", text: "Hello" }]);
    expect(response.usage).toEqual({ inputTokens: 11, outputTokens: 2, totalTokens: 13, cacheReadTokens: 4, reasoningTokens: 0 });
    expect(response.finishReason).toBe("stop");
    expect(response.id).toBe("resp_emulated");
  });

  test("messages, media, tools, choice and options map to Responses fields; unmodelled options warn", async () => {
    const upstream = emulator({ script: [{ reply: { text: "ok" } }] });
    const messages: Message[] = [
      { role: "system", parts: [{ type: "text", text: "be brief" }] },
      { role: "developer", parts: [{ type: "text", text: "use tools" }] },
      {
        role: "user",
        parts: [
          { type: "text", text: "look" },
          { type: "image", source: { kind: "url", url: "https://example.com/a.png" }, detail: "high" },
          { type: "image", source: { kind: "base64", mediaType: "image/png", data: "iVBO" } },
          { type: "file", source: { kind: "base64", mediaType: "application/pdf", data: "JVBE" }, filename: "a.pdf" },
        ],
      },
    ];
    const call = withMessages(messages, {
      tools: [{ name: "lookup", description: "find", parameters: { type: "object", properties: {} } }],
      toolChoice: { type: "named", name: "lookup" },
      options: {
        temperature: 0.2,
        maxOutputTokens: 300,
        parallelToolCalls: false,
        stop: ["END"],
        reasoning: { effort: "high", summary: "detailed" },
        responseFormat: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true },
      },
      metadata: { trace: "t1" },
    });
    const { events } = await run(responsesBackend(upstream), call);
    const body = upstream.requests[0]!.body;
    expect(body.input).toEqual([
      { type: "message", role: "system", content: [{ type: "input_text", text: "be brief" }] },
      { type: "message", role: "developer", content: [{ type: "input_text", text: "use tools" }] },
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "look" },
          { type: "input_image", image_url: "https://example.com/a.png", detail: "high" },
          { type: "input_image", image_url: "data:image/png;base64,iVBO", detail: "auto" },
          { type: "input_file", file_data: "data:application/pdf;base64,JVBE", filename: "a.pdf" },
        ],
      },
    ]);
    // Responses defaults strict to true; a Chat client's schema was never strict.
    expect(body.tools).toEqual([{ type: "function", name: "lookup", description: "find", parameters: { type: "object", properties: {} }, strict: false }]);
    expect(body.tool_choice).toEqual({ type: "function", name: "lookup" });
    expect(body.temperature).toBe(0.2);
    expect(body.max_output_tokens).toBe(300);
    expect(body.parallel_tool_calls).toBe(false);
    expect(body.reasoning).toEqual({ effort: "high", summary: "detailed" });
    expect(body.text).toEqual({ format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true } });
    expect(body.metadata).toEqual({ trace: "t1" });
    expect(body.stop).toBeUndefined();
    const warnings = events.filter((event) => event.type === "warning");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: "unsupported_option", message: expect.stringContaining("'stop'") });
  });

  test("same-dialect extensions (hosted tools, prompt_cache_key, instructions) ride along only for Responses clients", async () => {
    const upstream = emulator({ script: [{ reply: { text: "ok" } }] });
    const backend = responsesBackend(upstream);
    const messages: Message[] = [
      { role: "system", parts: [{ type: "text", text: "You are Codex." }], extensions: { "openai-responses": { source: "instructions" } } },
      { role: "user", parts: [{ type: "text", text: "go" }] },
    ];
    const extensions = {
      "openai-responses": { prompt_cache_key: "conv-1", hosted_tools: [{ type: "web_search" }], include: ["web_search_call.action.sources"], verbosity: "low" },
    };
    await run(backend, withMessages(messages, { sourceDialect: "openai-responses", extensions, tools: [{ name: "shell", parameters: { type: "object" } }] }));
    const same = upstream.requests[0]!.body;
    expect(same.instructions).toBe("You are Codex.");
    expect(same.input).toEqual([{ type: "message", role: "user", content: [{ type: "input_text", text: "go" }] }]);
    expect(same.prompt_cache_key).toBe("conv-1");
    expect(same.tools).toEqual([{ type: "function", name: "shell", parameters: { type: "object" } }, { type: "web_search" }]);
    expect(same.include).toEqual(["web_search_call.action.sources", "reasoning.encrypted_content"]);
    expect(same.text).toEqual({ verbosity: "low" });
    expect(same.hosted_tools).toBeUndefined();
    expect(same.verbosity).toBeUndefined();

    await run(backend, withMessages(messages, { sourceDialect: "openai-chat", extensions }));
    const foreign = upstream.requests[1]!.body;
    expect(foreign.prompt_cache_key).toBeUndefined();
    expect(foreign.instructions).toBeUndefined();
    expect(foreign.tools).toBeUndefined();
    expect(foreign.input[0]).toEqual({ type: "message", role: "system", content: [{ type: "input_text", text: "You are Codex." }] });
  });
});

describe("openai-responses: reasoning and tools", () => {
  test("reasoning summary and encrypted_content round-trip, in order, without ids under store:false", async () => {
    const upstream = emulator({
      script: [
        {
          reply: {
            reasoning: { summary: ["First I look.", "Then I call."], encrypted: "gAAAA-encrypted-blob" },
            toolCalls: [{ id: "call_a", name: "read", arguments: ['{"path":', '"a.txt"}'] }],
            usage: { input: 20, output: 30, reasoning: 25 },
          },
        },
        { reply: { text: "done" } },
      ],
    });
    const backend = responsesBackend(upstream);
    const first = await run(backend, userCall("read a.txt"));
    expect(eventTypes(first.events).slice(2, 6)).toEqual(["reasoning_delta", "reasoning_delta", "reasoning_delta", "reasoning_signature_delta"]);
    const reasoning = first.response.parts[0];
    expect(reasoning).toEqual({
      type: "reasoning",
      text: "First I look.\n\nThen I call.",
      kind: "summary",
      id: "rs_emulated_1",
      opaque: { dialect: "openai-responses", value: "gAAAA-encrypted-blob" },
    });
    expect(first.response.parts[1]).toEqual({ type: "tool_call", id: "call_a", name: "read", arguments: '{"path":"a.txt"}' });
    expect(first.response.finishReason).toBe("tool_calls");
    expect(first.response.usage?.reasoningTokens).toBe(25);

    const history: Message[] = [
      { role: "user", parts: [{ type: "text", text: "read a.txt" }] },
      {
        role: "assistant",
        parts: [
          { type: "reasoning", text: "foreign thought", signature: { dialect: "anthropic", value: "sig" } },
          ...first.response.parts,
        ],
      },
      { role: "tool", parts: [{ type: "tool_result", callId: "call_a", content: [{ type: "text", text: "hello" }] }] },
    ];
    await run(backend, withMessages(history));
    expect(upstream.requests[1]!.body.input).toEqual([
      { type: "message", role: "user", content: [{ type: "input_text", text: "read a.txt" }] },
      { type: "reasoning", summary: [{ type: "summary_text", text: "First I look.\n\nThen I call." }], encrypted_content: "gAAAA-encrypted-blob" },
      { type: "function_call", call_id: "call_a", name: "read", arguments: '{"path":"a.txt"}' },
      { type: "function_call_output", call_id: "call_a", output: "hello" },
    ]);
  });

  test("with store:true the reasoning item id is replayed and no encrypted content is requested", async () => {
    const upstream = emulator({ script: [{ reply: { text: "ok" } }] });
    const history: Message[] = [
      { role: "user", parts: [{ type: "text", text: "q" }] },
      { role: "assistant", parts: [{ type: "reasoning", text: "", id: "rs_1", opaque: { dialect: "openai-responses", value: "enc" } }, { type: "text", text: "a" }] },
      { role: "user", parts: [{ type: "text", text: "q2" }] },
    ];
    await run(responsesBackend(upstream, { store: true }), withMessages(history));
    const body = upstream.requests[0]!.body;
    expect(body.store).toBe(true);
    expect(body.include).toBeUndefined();
    expect(body.input[1]).toEqual({ type: "reasoning", id: "rs_1", summary: [], encrypted_content: "enc" });
    expect(body.input[2]).toEqual({ type: "message", role: "assistant", content: [{ type: "output_text", text: "a", annotations: [] }] });
  });

  test("parallel function calls become consecutive tool blocks; error results keep their flag in the text", async () => {
    const upstream = emulator({
      script: [
        { reply: { text: "Checking both.", toolCalls: [{ id: "call_1", name: "weather", arguments: '{"city":"Oslo"}' }, { id: "call_2", name: "weather", arguments: '{"city":"Rome"}' }] } },
        { reply: { text: "Cold and warm." } },
      ],
    });
    const backend = responsesBackend(upstream);
    const first = await run(backend, userCall("weather?"));
    expect(first.response.parts.map((part) => part.type)).toEqual(["text", "tool_call", "tool_call"]);
    const starts = first.events.filter((event) => event.type === "tool_call_started");
    expect(starts.map((event) => (event.type === "tool_call_started" ? [event.index, event.id] : []))).toEqual([
      [1, "call_1"],
      [2, "call_2"],
    ]);
    const history: Message[] = [
      { role: "user", parts: [{ type: "text", text: "weather?" }] },
      { role: "assistant", parts: first.response.parts },
      {
        role: "tool",
        parts: [
          { type: "tool_result", callId: "call_1", content: [{ type: "text", text: "-3C" }] },
          { type: "tool_result", callId: "call_2", content: [{ type: "text", text: "timeout" }], isError: true },
        ],
      },
    ];
    const second = await run(backend, withMessages(history));
    expect(second.response.parts).toEqual([{ type: "text", text: "Cold and warm." }]);
    expect(upstream.requests[1]!.body.input.slice(1)).toEqual([
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "Checking both.", annotations: [] }] },
      { type: "function_call", call_id: "call_1", name: "weather", arguments: '{"city":"Oslo"}' },
      { type: "function_call", call_id: "call_2", name: "weather", arguments: '{"city":"Rome"}' },
      { type: "function_call_output", call_id: "call_1", output: "-3C" },
      { type: "function_call_output", call_id: "call_2", output: "[tool error] timeout" },
    ]);
  });
});

describe("openai-responses: finish and failures", () => {
  test("incomplete responses map to length and content_filter with the raw reason kept", async () => {
    const upstream = emulator({ script: [{ reply: { text: "trunc", finish: "length" } }, { reply: { text: "x", finish: "content_filter" } }] });
    const backend = responsesBackend(upstream);
    const length = await run(backend, userCall("long"));
    expect(length.response.finishReason).toBe("length");
    expect(length.response.rawFinishReason).toBe("max_output_tokens");
    const filtered = await run(backend, userCall("bad"));
    expect(filtered.response.finishReason).toBe("content_filter");
  });

  test("response.failed before output is a recoverable error; an error event after output is thrown after the content", async () => {
    const upstream = emulator({
      script: [
        { reply: {}, streamError: { message: "The server had an error", code: "server_error", variant: "failed" } },
        { reply: { text: "partial" }, streamError: { message: "Rate limit reached", code: "rate_limit_exceeded" } },
      ],
    });
    const backend = responsesBackend(upstream);
    const failed = await runError(backend, userCall("x"));
    expect(failed.error.error).toMatchObject({ kind: "upstream", recoverable: true, code: "upstream_server_error" });
    expect(failed.events.some((event) => event.type === "text_delta")).toBe(false);
    const midStream = await runError(backend, userCall("y"));
    expect(midStream.events.filter((event) => event.type === "text_delta").map((event) => (event.type === "text_delta" ? event.text : ""))).toEqual(["partial"]);
    expect(midStream.error.error).toMatchObject({ kind: "rate_limited", code: "upstream_rate_limit_exceeded" });
  });

  test("malformed SSE, a cut connection and a stream without a terminal event all fail loudly", async () => {
    const upstream = emulator({
      script: [
        { reply: { text: ["a", "b", "c"] }, malformedAfterFrames: 5 },
        { reply: { text: ["a", "b", "c"] }, cutAfterFrames: 6 },
        { reply: { text: "a" }, dropFinish: true },
      ],
    });
    const backend = responsesBackend(upstream);
    expect((await runError(backend, userCall("1"))).error.error.code).toBe("malformed_stream");
    expect((await runError(backend, userCall("2"))).error.error.code).toBe("stream_broken");
    const truncated = await runError(backend, userCall("3"));
    expect(truncated.error.error.code).toBe("truncated_stream");
    expect(truncated.events.some((event) => event.type === "response_finished")).toBe(false);
  });

  test("an upstream HTTP error that echoes the key never shows it to the client", async () => {
    const oddKey = "corp-key-7f3a9b2c";
    const upstream = emulator({ script: [{ error: { status: 400, message: `Invalid request for key ${oddKey}: bad model` } }] });
    const { error } = await runError(backendOf(openaiResponsesKind, { base_url: upstream.url, api_key: oddKey }), userCall("x"));
    expect(error.error.status).toBe(400);
    expect(error.error.recoverable).toBe(false);
    expect(error.error.message).toContain("bad model");
    expect(error.error.message).not.toContain(oddKey);
  });
});

describe("custom-openai-responses-compatible", () => {
  test("requires base_url, works without a key, and answers to its backend_prefix", async () => {
    expect(() => backendOf(customOpenaiResponsesCompatibleKind, {})).toThrow("base_url");
    const upstream = emulator({ script: [{ reply: { text: "local" } }] });
    const backend = backendOf(customOpenaiResponsesCompatibleKind, { base_url: upstream.url, backend_prefix: "lab" });
    expect(backend.prefix).toBe("lab");
    expect(backend.servesModel).toBeUndefined();
    const { response } = await run(backend, userCall("hi"));
    expect(response.parts).toEqual([{ type: "text", text: "local" }]);
    expect(upstream.requests[0]!.headers.authorization).toBeUndefined();
  });

  test("keys come from api_key_env_var_root", async () => {
    const upstream = emulator({ script: [{ reply: { text: "ok" } }] });
    const kindEnv = { env: { LAB_KEY: "lab-key-1" }, log: () => {} };
    const backend = customOpenaiResponsesCompatibleKind.create({ id: "lab", kind: "custom-openai-responses-compatible", enabled: true, base_url: upstream.url, api_key_env_var_root: "LAB_KEY" }, kindEnv);
    await run(backend, userCall("hi"));
    expect(upstream.requests[0]!.key).toBe("lab-key-1");
  });
});
