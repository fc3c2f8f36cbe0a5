/** The Messages backend against the emulator over real loopback HTTP. */
import { afterEach, describe, expect, test } from "bun:test";
import { messagesUrl } from "../../../src/backends/anthropic/backend.ts";
import { anthropicKind, azureAnthropicKind, customAnthropicCompatibleKind, foundryBaseUrl } from "../../../src/backends/anthropic/kind.ts";
import type { BackendConfig, BackendKind } from "../../../src/core/backend-kind.ts";
import type { AttemptContext, BackendInstance } from "../../../src/core/codec.ts";
import type { CanonicalCall } from "../../../src/core/model/call.ts";
import { LipError } from "../../../src/core/model/errors.ts";
import { checkEvents } from "../../../src/core/model/event-checker.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
import { type AnthropicEmulatorOptions, type AnthropicStep, type Emulator, startEmulator } from "../../emulators/anthropic.ts";
import { call, collect, silentLog, user } from "./helpers.ts";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

function setup(options: AnthropicEmulatorOptions, config: Partial<BackendConfig> = {}, kind: BackendKind = anthropicKind) {
  emulator = startEmulator(options);
  const backend = kind.create({ id: "anth", kind: kind.kind, enabled: true, base_url: emulator.url, api_key: "key-1", ...config }, { env: {}, log: silentLog });
  return { emulator, backend };
}

function attempt(headers: Record<string, string> = {}, signal = new AbortController().signal): AttemptContext {
  return { model: "claude-sonnet-4-5", signal, aLegId: "a_1", bLegId: "b_1", clientHeaders: new Headers(headers), log: silentLog };
}

async function failure(run: Promise<unknown>): Promise<LipError["error"]> {
  const thrown = await run.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(thrown instanceof LipError)) throw new Error(`expected a LipError, got ${String(thrown)}`);
  return thrown.error;
}

const hello: AnthropicStep = { reply: { text: ["hello ", "there"] } };
const simple = (): CanonicalCall => call([user("hi")]);

describe("request on the wire", () => {
  test("POSTs /v1/messages with x-api-key, anthropic-version and a streaming body", async () => {
    const { emulator, backend } = setup({ script: [hello] });
    const events = checkEvents(await collect(backend.stream(simple(), attempt())));
    expect(events.filter((event) => event.type === "text_delta").map((event) => (event as { text: string }).text).join("")).toBe("hello there");
    const request = emulator.requests[0]!;
    expect(request.path).toBe("/v1/messages");
    expect(request.headers).toMatchObject({ "x-api-key": "key-1", "anthropic-version": "2023-06-01", "content-type": "application/json" });
    expect(request.headers.authorization).toBeUndefined();
    expect(request.body).toMatchObject({ model: "claude-sonnet-4-5", max_tokens: 8192, stream: true, messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] });
  });

  test("the client's anthropic-beta is forwarded only for Anthropic clients, merged with configured betas", async () => {
    const { emulator, backend } = setup({ script: [hello] }, { anthropic_beta: ["context-1m-2025-08-07"] });
    const beta = { "anthropic-beta": "interleaved-thinking-2025-05-14, context-1m-2025-08-07" };
    await collect(backend.stream(call([user("hi")], { sourceDialect: "anthropic" }), attempt(beta)));
    await collect(backend.stream(call([user("hi")], { sourceDialect: "openai-chat" }), attempt(beta)));
    expect(emulator.requests[0]!.headers["anthropic-beta"]).toBe("context-1m-2025-08-07,interleaved-thinking-2025-05-14");
    expect(emulator.requests[1]!.headers["anthropic-beta"]).toBe("context-1m-2025-08-07");
  });

  test("forward_client_beta:false keeps the client's betas out; anthropic_version is configurable", async () => {
    const { emulator, backend } = setup({ script: [hello] }, { forward_client_beta: false, anthropic_version: "2026-10-21" });
    await collect(backend.stream(call([user("hi")], { sourceDialect: "anthropic" }), attempt({ "anthropic-beta": "x-beta" })));
    expect(emulator.requests[0]!.headers["anthropic-beta"]).toBeUndefined();
    expect(emulator.requests[0]!.headers["anthropic-version"]).toBe("2026-10-21");
  });

  test("auth: bearer sends Authorization instead of x-api-key", async () => {
    const { emulator, backend } = setup({ script: [hello] }, { auth: "bearer" });
    await collect(backend.stream(simple(), attempt()));
    expect(emulator.requests[0]!.headers.authorization).toBe("Bearer key-1");
    expect(emulator.requests[0]!.headers["x-api-key"]).toBeUndefined();
  });
});

describe("streams from the emulator", () => {
  test("thinking, redacted thinking, text and parallel tool calls arrive in order with cache-aware usage", async () => {
    const { backend } = setup({
      script: [
        {
          reply: {
            reasoning: { text: ["two cities, ", "two calls"], signature: "sig-xyz", encrypted: "REDACTED" },
            text: ["Looking ", "up both."],
            toolCalls: [
              { id: "toolu_1", name: "weather", arguments: ['{"city":', '"Paris"}'] },
              { id: "toolu_2", name: "weather", arguments: '{"city":"Oslo"}' },
            ],
            usage: { input: 1250, cached: 1000, output: 300 },
            anthropic: { cacheWrite: 200 },
          },
        },
      ],
    });
    const events = checkEvents(await collect(backend.stream(simple(), attempt())));
    const calls = events.filter((event): event is Extract<CanonicalEvent, { type: "tool_call_finished" }> => event.type === "tool_call_finished");
    expect(calls.map((event) => [event.index, JSON.parse(event.arguments)])).toEqual([
      [3, { city: "Paris" }],
      [4, { city: "Oslo" }],
    ]);
    expect(events.find((event) => event.type === "reasoning_signature_delta" && event.signature)).toMatchObject({ index: 0, signature: { dialect: "anthropic", value: "sig-xyz" } });
    expect(events.find((event) => event.type === "reasoning_signature_delta" && event.opaque)).toMatchObject({ index: 1, opaque: { dialect: "anthropic", value: "REDACTED" } });
    expect(events.find((event) => event.type === "usage")).toEqual({ type: "usage", usage: { inputTokens: 1250, cacheReadTokens: 1000, cacheWriteTokens: 200, outputTokens: 300 } });
    expect(events.at(-1)).toMatchObject({ finishReason: "tool_calls", rawFinishReason: "tool_use" });
  });

  test("a server that answers JSON despite stream:true is still understood", async () => {
    const { backend } = setup({ script: [hello], ignoreStream: true });
    const events = checkEvents(await collect(backend.stream(simple(), attempt())));
    expect(events.find((event) => event.type === "text_delta")).toEqual({ type: "text_delta", index: 0, text: "hello there" });
  });

  test("event: error after output: content first, then a recoverable overloaded error is thrown", async () => {
    const { backend } = setup({ script: [{ ...hello, streamError: { message: "Overloaded", variant: "overloaded_error" } }] });
    const seen: CanonicalEvent[] = [];
    const error = await failure(
      (async () => {
        for await (const event of backend.stream(simple(), attempt())) seen.push(event);
      })(),
    );
    expect(seen.some((event) => event.type === "text_delta")).toBe(true);
    expect(error).toMatchObject({ kind: "overloaded", recoverable: true });
  });

  test("malformed SSE, a connection cut mid-stream and a stream without message_stop fail as upstream errors", async () => {
    const { backend } = setup({
      script: [
        { ...hello, malformedAfterFrames: 3 },
        { ...hello, cutAfterFrames: 4 },
        { ...hello, dropFinish: true },
      ],
    });
    expect(await failure(collect(backend.stream(simple(), attempt())))).toMatchObject({ kind: "upstream", code: "malformed_stream" });
    expect(await failure(collect(backend.stream(simple(), attempt())))).toMatchObject({ kind: "upstream", code: "stream_broken" });
    const seen: CanonicalEvent[] = [];
    const error = await failure(
      (async () => {
        for await (const event of backend.stream(simple(), attempt())) seen.push(event);
      })(),
    );
    expect(error).toMatchObject({ kind: "upstream", code: "truncated_stream" });
    expect(seen.some((event) => event.type === "text_delta")).toBe(true);
    expect(seen.some((event) => event.type === "response_finished")).toBe(false);
  });

  test("a client abort while the response head is held (slow first byte) ends the attempt as cancelled", async () => {
    const { emulator, backend } = setup({ script: [{ ...hello, headersDelayMs: 3_000 }] });
    const controller = new AbortController();
    const running = collect(backend.stream(simple(), attempt({}, controller.signal)));
    while (emulator.requests.length === 0) await Bun.sleep(5);
    controller.abort();
    expect(await failure(running)).toMatchObject({ kind: "cancelled" });
  });

  test("a client abort while the first event is slow closes the upstream request", async () => {
    const { emulator, backend } = setup({ script: [{ ...hello, firstChunkDelayMs: 3_000 }] });
    const controller = new AbortController();
    const running = collect(backend.stream(simple(), attempt({}, controller.signal)));
    while (emulator.requests.length === 0) await Bun.sleep(5);
    await Bun.sleep(20);
    controller.abort();
    expect(await running.then(() => "finished", () => "failed")).toBe("failed");
    for (let i = 0; i < 100 && !emulator.requests[0]!.aborted; i++) await Bun.sleep(5);
    expect(emulator.requests[0]!.aborted).toBe(true);
  });

  test("a consumer that stops mid-stream closes the upstream response", async () => {
    const { emulator, backend } = setup({ script: [{ reply: { text: Array.from({ length: 100 }, () => "word ") }, chunkDelayMs: 10 }] });
    for await (const event of backend.stream(simple(), attempt())) if (event.type === "text_delta") break;
    for (let i = 0; i < 100 && !emulator.requests[0]!.aborted; i++) await Bun.sleep(5);
    expect(emulator.requests[0]!.aborted).toBe(true);
  });
});

describe("errors and keys", () => {
  test("401 kills a key and the next one is used at once; the dead key is not tried again", async () => {
    const { emulator, backend } = setup({ script: [hello], rejectKeys: ["bad"] }, { api_key: undefined, api_keys: ["bad", "good"] });
    await collect(backend.stream(simple(), attempt()));
    await collect(backend.stream(simple(), attempt()));
    expect(emulator.requests.map((request) => request.key)).toEqual(["bad", "good", "good"]);
  });

  test("429 cools a key for its retry-after and the request moves to the next key", async () => {
    const { emulator, backend } = setup(
      { script: (request) => (request.key === "k1" ? { error: { status: 429, retryAfter: 30 } } : hello) },
      { api_key: undefined, api_keys: ["k1", "k2"] },
    );
    await collect(backend.stream(simple(), attempt()));
    await collect(backend.stream(simple(), attempt()));
    expect(emulator.requests.map((request) => request.key)).toEqual(["k1", "k2", "k2"]);
  });

  test("with every key rate limited the error is recoverable and carries retry-after", async () => {
    const { backend } = setup({ script: [{ error: { status: 429, retryAfter: 30 } }] });
    expect(await failure(collect(backend.stream(simple(), attempt())))).toMatchObject({ kind: "rate_limited", recoverable: true, retryAfterMs: 30_000 });
  });

  test("529 and 500 are recoverable; 400 surfaces the API's message and is not", async () => {
    const { backend } = setup({
      script: [
        { error: { status: 529, message: "Overloaded" } },
        { error: { status: 500 } },
        { error: { status: 400, message: "messages.0: bad things" } },
      ],
    });
    expect(await failure(collect(backend.stream(simple(), attempt())))).toMatchObject({ kind: "overloaded", recoverable: true });
    expect(await failure(collect(backend.stream(simple(), attempt())))).toMatchObject({ kind: "upstream", recoverable: true });
    const invalid = await failure(collect(backend.stream(simple(), attempt())));
    expect(invalid).toMatchObject({ kind: "invalid_request", recoverable: false, status: 400 });
    expect(invalid.message).toContain("messages.0: bad things");
  });

  test("no key configured: a recoverable error before any request", async () => {
    const { emulator, backend } = setup({ script: [hello] }, { api_key: undefined });
    expect(await failure(collect(backend.stream(simple(), attempt())))).toMatchObject({ recoverable: true, code: "no_api_key" });
    expect(emulator.requests).toHaveLength(0);
  });

  test("keys come from ANTHROPIC_API_KEY, ANTHROPIC_API_KEY_2 … by default", async () => {
    emulator = startEmulator({ script: [hello], rejectKeys: ["env-1"] });
    const backend: BackendInstance = anthropicKind.create(
      { id: "anth", kind: "anthropic", enabled: true, base_url: emulator.url },
      { env: { ANTHROPIC_API_KEY: "env-1", ANTHROPIC_API_KEY_2: "env-2" }, log: silentLog },
    );
    await collect(backend.stream(simple(), attempt()));
    expect(emulator.requests.map((request) => request.key)).toEqual(["env-1", "env-2"]);
  });
});

describe("count_tokens", () => {
  test("POSTs /v1/messages/count_tokens without generation fields and returns input_tokens", async () => {
    const { emulator, backend } = setup({ script: [{ reply: { usage: { input: 1234, output: 0 } } }] });
    expect(await backend.countTokens!(call([user("count me")], { options: { maxOutputTokens: 10, temperature: 0.5 } }), attempt())).toBe(1234);
    const request = emulator.requests[0]!;
    expect(request.path).toBe("/v1/messages/count_tokens");
    expect(request.body).toEqual({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: [{ type: "text", text: "count me" }] }] });
  });

  test("count_tokens:false leaves counting to lipstd's estimate", async () => {
    const { backend } = setup({ script: [hello] }, { count_tokens: false });
    expect(backend.countTokens).toBeUndefined();
  });
});

describe("compatible and Azure kinds", () => {
  test("custom-anthropic-compatible needs base_url", () => {
    expect(() => customAnthropicCompatibleKind.create({ id: "c", kind: "custom-anthropic-compatible", enabled: true }, { env: {}, log: silentLog })).toThrow("base_url");
  });

  test("custom-anthropic-compatible at a /v1 base URL sends no auth header when it has no key", async () => {
    emulator = startEmulator({ script: [hello], requireKey: false });
    const backend = customAnthropicCompatibleKind.create({ id: "c", kind: "custom-anthropic-compatible", enabled: true, base_url: `${emulator.origin}/v1/` }, { env: {}, log: silentLog });
    await collect(backend.stream(simple(), attempt()));
    expect(emulator.requests[0]!.path).toBe("/v1/messages");
    expect(emulator.requests[0]!.key).toBeUndefined();
  });

  test("azure-anthropic: Foundry URL shape, api-key header, ANTHROPIC_FOUNDRY_API_KEY", async () => {
    expect(foundryBaseUrl("my-res")).toBe("https://my-res.services.ai.azure.com/anthropic");
    expect(messagesUrl(foundryBaseUrl("my-res"))).toBe("https://my-res.services.ai.azure.com/anthropic/v1/messages");
    expect(() => azureAnthropicKind.create({ id: "z", kind: "azure-anthropic", enabled: true }, { env: {}, log: silentLog })).toThrow("resource or base_url");
    emulator = startEmulator({ script: [hello], basePath: "/anthropic" });
    const backend = azureAnthropicKind.create(
      { id: "z", kind: "azure-anthropic", enabled: true, base_url: emulator.url, auth: "api-key", default_model: "my-claude-deployment" },
      { env: { ANTHROPIC_FOUNDRY_API_KEY: "foundry-key" }, log: silentLog },
    );
    await collect(backend.stream(simple(), { ...attempt(), model: backend.defaultModel }));
    expect(emulator.requests[0]!.path).toBe("/anthropic/v1/messages");
    expect(emulator.requests[0]!.headers["api-key"]).toBe("foundry-key");
    expect(emulator.requests[0]!.body).toMatchObject({ model: "my-claude-deployment" });
  });
});
