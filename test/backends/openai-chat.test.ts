import { afterAll, describe, expect, test } from "bun:test";
import { azureOpenaiKind } from "../../src/backends/openai-chat/azure.ts";
import { openaiLegacyKind } from "../../src/backends/openai-chat/kind.ts";
import { chatPresetKinds } from "../../src/backends/openai-chat/presets.ts";
import type { BackendKind } from "../../src/core/backend-kind.ts";
import type { Message } from "../../src/core/model/call.ts";
import { type ChatEmulatorOptions, type Emulator, startEmulator } from "../emulators/openai-chat.ts";
import { backendOf, environment, eventTypes, run, runError, userCall, withMessages } from "./helpers.ts";

const emulators: Emulator[] = [];
function emulator(options: ChatEmulatorOptions): Emulator {
  const started = startEmulator(options);
  emulators.push(started);
  return started;
}
afterAll(async () => {
  await Promise.all(emulators.map((item) => item.stop()));
});

function preset(kind: string): BackendKind {
  const found = chatPresetKinds.find((candidate) => candidate.kind === kind);
  if (!found) throw new Error(`no preset ${kind}`);
  return found;
}

const conversation: Message[] = [
  { role: "developer", parts: [{ type: "text", text: "be terse" }] },
  { role: "user", parts: [{ type: "text", text: "hi" }] },
];

describe("openai-legacy against the Chat emulator", () => {
  test("text, reasoning_content and usage stream as canonical blocks", async () => {
    const upstream = emulator({ script: [{ reply: { reasoning: { text: ["think", "ing"] }, text: ["He", "llo"], usage: { input: 9, output: 4, reasoning: 2 } } }] });
    const backend = backendOf(openaiLegacyKind, { base_url: upstream.url, api_key: "sk-legacy-000001" });
    const { events, response } = await run(backend, withMessages(conversation, { options: { maxOutputTokens: 50 } }), { model: "gpt-4o-mini" });
    expect(eventTypes(events)).toEqual(["response_started", "message_started", "reasoning_delta", "reasoning_delta", "text_delta", "text_delta", "usage", "response_finished"]);
    expect(response.parts).toEqual([
      { type: "reasoning", text: "thinking", kind: "thinking" },
      { type: "text", text: "Hello" },
    ]);
    expect(response.usage).toMatchObject({ inputTokens: 9, outputTokens: 4, reasoningTokens: 2 });
    const body = upstream.requests[0]!.body;
    expect(body.messages[0]).toEqual({ role: "developer", content: "be terse" });
    expect(body.max_completion_tokens).toBe(50);
    expect(body.stream_options).toEqual({ include_usage: true });
  });

  test("parallel tool calls arrive as consecutive tool blocks with complete arguments", async () => {
    const upstream = emulator({
      script: [{ reply: { toolCalls: [{ id: "call_1", name: "a", arguments: ['{"x":', "1}"] }, { id: "call_2", name: "b", arguments: "{}" }], usage: { input: 1, output: 1 } } }],
    });
    const { response } = await run(backendOf(openaiLegacyKind, { base_url: upstream.url, api_key: "k" }), userCall("go"));
    expect(response.parts).toEqual([
      { type: "tool_call", id: "call_1", name: "a", arguments: '{"x":1}' },
      { type: "tool_call", id: "call_2", name: "b", arguments: "{}" },
    ]);
    expect(response.finishReason).toBe("tool_calls");
  });

  test("images a tool returned reach the model after the run of tool messages (Chat tool messages hold text only)", async () => {
    const upstream = emulator({ script: [{ reply: { text: "a red square" } }] });
    const screenshot = { type: "image" as const, source: { kind: "base64" as const, mediaType: "image/png", data: "iVBORw0KGgo=" } };
    await run(
      backendOf(openaiLegacyKind, { base_url: upstream.url, api_key: "k" }),
      withMessages([
        { role: "user", parts: [{ type: "text", text: "screenshot both windows" }] },
        { role: "assistant", parts: [{ type: "tool_call", id: "call_a", name: "shot", arguments: "{}" }, { type: "tool_call", id: "call_b", name: "shot", arguments: "{}" }] },
        { role: "tool", parts: [{ type: "tool_result", callId: "call_a", content: [{ type: "text", text: "window A" }, screenshot] }] },
        { role: "tool", parts: [{ type: "tool_result", callId: "call_b", content: [{ type: "text", text: "window B" }] }] },
      ]),
    );
    const messages = upstream.requests[0]!.body.messages as Array<{ role: string; content: unknown; tool_call_id?: string }>;
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "tool", "tool", "user"]);
    expect(messages[2]!.tool_call_id).toBe("call_a");
    expect(messages[2]!.content).toContain("window A");
    expect(messages[3]).toEqual({ role: "tool", tool_call_id: "call_b", content: "window B" });
    expect(messages[4]!.content).toContainEqual({ type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } });
    expect(JSON.stringify(messages[4]!.content)).toContain("call_a");
  });

  test("a mid-stream error chunk after text surfaces; 429 Retry-After cools the key", async () => {
    const upstream = emulator({
      script: (request) =>
        request.key === "k-hot" ? { error: { status: 429, retryAfter: 20 } } : { reply: { text: "partial" }, streamError: { message: "overloaded", code: "server_error" } },
    });
    const backend = backendOf(openaiLegacyKind, { base_url: upstream.url, api_keys: ["k-hot", "k-cool"] });
    const { error, events } = await runError(backend, userCall("x"));
    expect(events.some((event) => event.type === "text_delta")).toBe(true);
    expect(error.error.message).toContain("overloaded");
    expect(upstream.requests.map((request) => request.key)).toEqual(["k-hot", "k-cool"]);
  });

  test("the entry's quirks override the kind's", async () => {
    const upstream = emulator({ script: [{ reply: { text: "ok" } }] });
    const backend = backendOf(openaiLegacyKind, { base_url: upstream.url, api_key: "k", quirks: { developer_as_system: true, legacy_max_tokens: true, stream_usage: false } });
    await run(backend, withMessages(conversation, { options: { maxOutputTokens: 7 } }));
    const body = upstream.requests[0]!.body;
    expect(body.messages[0].role).toBe("system");
    expect(body.max_tokens).toBe(7);
    expect(body.max_completion_tokens).toBeUndefined();
    expect(body.stream_options).toBeUndefined();
  });
});

describe("presets are data rows of the one Chat codec", () => {
  test("every preset has its documented default base URL and key variable", () => {
    const table = Object.fromEntries(chatPresetKinds.map((kind) => [kind.kind, [kind.defaultBaseUrl, kind.defaultKeyEnv]]));
    expect(table).toEqual({
      openrouter: ["https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"],
      nvidia: ["https://integrate.api.nvidia.com/v1", "NVIDIA_API_KEY"],
      huggingface: ["https://router.huggingface.co/v1", "HF_TOKEN"],
      ollama: ["http://127.0.0.1:11434/v1", "OLLAMA_API_KEY"],
      "ollama-cloud": ["https://ollama.com/v1", "OLLAMA_API_KEY"],
      llamacpp: ["http://127.0.0.1:8080/v1", "LLAMACPP_API_KEY"],
      lmstudio: ["http://127.0.0.1:1234/v1", "LMSTUDIO_API_KEY"],
      vllm: ["http://127.0.0.1:8000/v1", "VLLM_API_KEY"],
      "custom-openai-legacy-compatible": [undefined, undefined],
    });
  });

  test("compatible presets send system for developer and max_tokens; local servers need no key", async () => {
    for (const kind of ["ollama", "llamacpp", "lmstudio", "vllm"]) {
      const upstream = emulator({ script: [{ reply: { text: kind } }], reasoningField: "reasoning" });
      const backend = backendOf(preset(kind), { base_url: upstream.url }, environment({}));
      const { response } = await run(backend, withMessages(conversation, { options: { maxOutputTokens: 5 } }));
      expect(response.parts).toEqual([{ type: "text", text: kind }]);
      const request = upstream.requests[0]!;
      expect(request.headers.authorization).toBeUndefined();
      expect(request.body.messages[0]).toEqual({ role: "system", content: "be terse" });
      expect(request.body.max_tokens).toBe(5);
    }
  });

  test("llamacpp sends prior reasoning back as reasoning_content; `reasoning` deltas (Ollama/OpenRouter style) are read", async () => {
    const upstream = emulator({ script: [{ reply: { reasoning: { text: "hmm" }, text: "ok" } }], reasoningField: "reasoning" });
    const history: Message[] = [
      { role: "user", parts: [{ type: "text", text: "q" }] },
      { role: "assistant", parts: [{ type: "reasoning", text: "earlier thought" }, { type: "text", text: "a" }] },
      { role: "user", parts: [{ type: "text", text: "q2" }] },
    ];
    const { response } = await run(backendOf(preset("llamacpp"), { base_url: upstream.url }), withMessages(history));
    expect(response.parts[0]).toEqual({ type: "reasoning", text: "hmm", kind: "thinking" });
    expect(upstream.requests[0]!.body.messages[1]).toEqual({ role: "assistant", content: "a", reasoning_content: "earlier thought" });
  });

  test("openrouter sends attribution headers (configurable) and its key as Bearer", async () => {
    const upstream = emulator({ script: [{ reply: { text: "ok" } }] });
    await run(backendOf(preset("openrouter"), { base_url: upstream.url, api_key: "sk-or-v1-abcdef" }), userCall("x"));
    await run(backendOf(preset("openrouter"), { base_url: upstream.url, api_key: "sk-or-v1-abcdef", app_url: "https://example.org/app", app_title: "My App" }), userCall("y"));
    const [defaults, configured] = upstream.requests;
    expect(defaults!.headers.authorization).toBe("Bearer sk-or-v1-abcdef");
    expect(defaults!.headers["x-title"]).toBe("lipstd");
    expect(defaults!.headers["http-referer"]).toBeUndefined();
    expect(configured!.headers["http-referer"]).toBe("https://example.org/app");
    expect(configured!.headers["x-title"]).toBe("My App");
    expect(configured!.headers["x-openrouter-title"]).toBe("My App");
  });

  test("hosted presets without a key fail recoverably; custom-openai-legacy-compatible requires base_url and carries its prefix", async () => {
    const { error } = await runError(backendOf(preset("nvidia"), { base_url: "http://127.0.0.1:9/v1" }, environment({})), userCall("x"));
    expect(error.error).toMatchObject({ recoverable: true, code: "no_api_key" });
    expect(() => backendOf(preset("custom-openai-legacy-compatible"), {})).toThrow("base_url");
    const backend = backendOf(preset("custom-openai-legacy-compatible"), { base_url: "http://127.0.0.1:9/v1", backend_prefix: "corp" });
    expect(backend.prefix).toBe("corp");
  });
});

describe("azure-openai", () => {
  test("deployment in the path, api-version in the query, key in api-key", async () => {
    const upstream = emulator({ script: [{ reply: { text: "azure" } }], basePath: "" });
    const backend = backendOf(azureOpenaiKind, { base_url: upstream.url, api_key: "azure-key-123", deployments: { "gpt-4o": "prod-4o" } });
    await run(backend, userCall("x"), { model: "gpt-4o" });
    await run(backend, userCall("y"), { model: "my-deployment" });
    const [mapped, direct] = upstream.requests;
    expect(mapped!.path).toBe("/openai/deployments/prod-4o/chat/completions");
    expect(mapped!.query.get("api-version")).toBe("2024-10-21");
    expect(mapped!.headers["api-key"]).toBe("azure-key-123");
    expect(mapped!.headers.authorization).toBeUndefined();
    expect(direct!.path).toBe("/openai/deployments/my-deployment/chat/completions");
    expect(backend.servesModel?.("gpt-4o")).toBe(true);
  });

  test("api_version v1 uses the /openai/v1 surface with the model in the body", async () => {
    const upstream = emulator({ script: [{ reply: { text: "v1" } }], basePath: "" });
    await run(backendOf(azureOpenaiKind, { base_url: `${upstream.url}/openai/v1`, api_key: "k", api_version: "v1" }), userCall("x"), { model: "gpt-4.1" });
    expect(upstream.requests[0]!.path).toBe("/openai/v1/chat/completions");
    expect(upstream.requests[0]!.query.has("api-version")).toBe(false);
    expect(upstream.requests[0]!.body.model).toBe("gpt-4.1");
  });

  test("an Azure error body echoing the key is redacted", async () => {
    const upstream = emulator({ script: [{ error: { status: 401, message: "Access denied for key azure-key-zz9 (invalid subscription key)" } }], basePath: "" });
    const { error } = await runError(backendOf(azureOpenaiKind, { base_url: upstream.url, api_key: "azure-key-zz9" }), userCall("x"));
    expect(error.error.recoverable).toBe(true);
    expect(error.error.message).not.toContain("azure-key-zz9");
  });
});
