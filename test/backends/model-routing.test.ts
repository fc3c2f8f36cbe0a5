import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Router } from "../../src/core/routing/router.ts";
import type { BackendInstance } from "../../src/core/codec.ts";
import { startEmulator as startChat } from "../emulators/openai-chat.ts";
import { type Emulator, startEmulator as startResponses } from "../emulators/openai-responses.ts";
import { testConfig } from "../helpers/config.ts";
import { postJson, startLipstd, type TestServer } from "../helpers/lipstd.ts";

let responses: Emulator;
let chat: Emulator;
let server: TestServer;

beforeAll(async () => {
  responses = startResponses({ script: [{ reply: { text: "from responses" } }] });
  chat = startChat({ script: [{ reply: { text: "from chat" } }] });
  server = await startLipstd(
    testConfig(
      [
        { id: "stub", kind: "local-stub", text: "from stub" },
        { id: "oa", kind: "openai-responses", base_url: responses.url, api_key: "sk-routing-test-1" },
        { id: "corp", kind: "custom-openai-legacy-compatible", base_url: chat.url, backend_prefix: "corp-chat", models: ["qwen"] },
      ],
      { routing: { max_attempts: 1, default_route: "stub:stub-default" }, models: { fast: { backend: "corp", provider_model_id: "llama-3-8b" } } },
    ),
    { env: {} },
  );
});

afterAll(async () => {
  await server.stop();
  await responses.stop();
  await chat.stop();
});

async function ask(model: string): Promise<string> {
  const response = await postJson(`${server.url}/v1/chat/completions`, { model, messages: [{ role: "user", content: "hi" }] });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
  return body.choices[0]!.message.content;
}

describe("model → backend without a selector", () => {
  test("a `models:` name routes to its backend with the provider model id", async () => {
    expect(await ask("fast")).toBe("from chat");
    expect(chat.requests.at(-1)!.body.model).toBe("llama-3-8b");
  });

  test("a backend_prefix works as a selector prefix, like the id", async () => {
    expect(await ask("corp-chat:qwen-2")).toBe("from chat");
    expect(chat.requests.at(-1)!.body.model).toBe("qwen-2");
    expect(await ask("corp:qwen-3")).toBe("from chat");
    expect(chat.requests.at(-1)!.body.model).toBe("qwen-3");
  });

  test("gpt-*/o* names auto-select the first OpenAI backend before routing.default_route; other names use the default route", async () => {
    expect(await ask("gpt-5.1")).toBe("from responses");
    expect(responses.requests.at(-1)!.body.model).toBe("gpt-5.1");
    expect(await ask("o4-mini")).toBe("from responses");
    expect(await ask("some-unknown-model")).toBe("from stub");
  });

  test("GET /v1/models lists table names and prefixed backend models", async () => {
    const response = await fetch(`${server.url}/v1/models`);
    const ids = ((await response.json()) as { data: Array<{ id: string }> }).data.map((model) => model.id);
    expect(ids).toEqual(["fast", "stub:stub-default", "oa:gpt-5-mini", "corp-chat:qwen"]);
  });
});

describe("router", () => {
  const backend = (id: string, extra: Partial<BackendInstance> = {}): BackendInstance => ({ id, kind: "test", defaultModel: "", models: () => [], stream: () => (async function* () {})(), ...extra });

  test("a prefix that clashes with another backend's id is refused at startup", () => {
    expect(() => new Router({ backends: [backend("a"), backend("b", { prefix: "a" })], aliases: [] })).toThrow("clashes");
  });

  test("the table wins over auto-selection, and auto-selection takes the first serving backend in config order", () => {
    const serves = (model: string) => model.startsWith("gpt-");
    const router = new Router({
      backends: [backend("stub"), backend("first", { servesModel: serves }), backend("second", { servesModel: serves })],
      aliases: [],
      models: [{ name: "gpt-special", backend: "second", providerModelId: "gpt-4o" }],
    });
    const headers = new Headers();
    expect(router.selectorFor("gpt-special", headers).text).toBe("second:gpt-4o");
    expect(router.selectorFor("gpt-4.1", headers).text).toBe("first:gpt-4.1");
    expect(router.selectorFor("claude-x", headers).text).toBe("stub:claude-x");
  });
});
