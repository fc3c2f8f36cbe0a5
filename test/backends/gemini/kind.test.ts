import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { geminiKind, geminiMethodUrl } from "../../../src/backends/gemini/kind.ts";
import type { AttemptContext, BackendInstance } from "../../../src/core/codec.ts";
import type { CanonicalCall } from "../../../src/core/model/call.ts";
import { checkEvents } from "../../../src/core/model/event-checker.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
import { backendSchemaFor } from "../../../src/config/sections/backends.ts";
import { type Emulator, startGeminiEmulator } from "../../emulators/gemini.ts";
import Value from "typebox/value";

const noLog = () => {};
const attempt = (model = "gemini-2.5-flash"): AttemptContext => ({ model, signal: new AbortController().signal, aLegId: "a", bLegId: "b", clientHeaders: new Headers(), log: noLog });
const call: CanonicalCall = {
  model: "gemini-2.5-flash",
  messages: [
    { role: "system", parts: [{ type: "text", text: "Count carefully." }] },
    { role: "user", parts: [{ type: "text", text: "How many tokens is this?" }] },
  ],
  tools: [{ name: "lookup", parameters: { type: "object" } }],
  options: { temperature: 0 },
  stream: false,
  sourceDialect: "openai-chat",
  extensions: {},
};

async function events(backend: BackendInstance, model?: string): Promise<CanonicalEvent[]> {
  const all: CanonicalEvent[] = [];
  for await (const event of backend.stream(call, attempt(model))) all.push(event);
  return [...checkEvents(all)];
}

describe("gemini kind", () => {
  let emulator: Emulator;
  let backend: BackendInstance;
  beforeAll(() => {
    emulator = startGeminiEmulator({ script: [{ reply: { text: "ok", usage: { input: 17, output: 1 } } }] });
    backend = geminiKind.create({ id: "g", kind: "gemini", enabled: true, base_url: emulator.url }, { env: { GEMINI_API_KEY: "env-key-1", GEMINI_API_KEY_2: "env-key-2" }, log: noLog });
  });
  afterAll(() => emulator.stop());

  test("method URLs: /v1beta by default, a versioned base URL kept, tuned models by name", () => {
    expect(geminiMethodUrl("https://generativelanguage.googleapis.com", "models/gemini-2.5-pro", "streamGenerateContent")).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse",
    );
    expect(geminiMethodUrl("https://proxy.example.com/google/v1", "gemini-2.5-pro", "countTokens")).toBe("https://proxy.example.com/google/v1/models/gemini-2.5-pro:countTokens");
    expect(geminiMethodUrl("https://generativelanguage.googleapis.com", "tunedModels/my-model-7", "countTokens")).toBe(
      "https://generativelanguage.googleapis.com/v1beta/tunedModels/my-model-7:countTokens",
    );
  });

  test("keys come from GEMINI_API_KEY, GEMINI_API_KEY_2 … and rotate", async () => {
    const before = emulator.requests.length;
    await events(backend);
    await events(backend);
    expect(emulator.requests.slice(before).map((request) => request.key)).toEqual(["env-key-1", "env-key-2"]);
  });

  test("countTokens sends the whole generateContent request (system, tools) to :countTokens", async () => {
    const before = emulator.requests.length;
    expect(await backend.countTokens!(call, attempt())).toBe(17);
    const [request] = emulator.requests.slice(before);
    expect(request!.path).toBe("/v1beta/models/gemini-2.5-flash:countTokens");
    expect(request!.body.generateContentRequest).toMatchObject({
      model: "models/gemini-2.5-flash",
      systemInstruction: { parts: [{ text: "Count carefully." }] },
      contents: [{ role: "user", parts: [{ text: "How many tokens is this?" }] }],
      tools: [{ functionDeclarations: [{ name: "lookup" }] }],
    });
  });

  test("the options schema accepts thinking_control and refuses unknown keys", () => {
    const schema = backendSchemaFor(geminiKind);
    expect(Value.Check(schema, { id: "g", kind: "gemini", enabled: true, thinking_control: "level" })).toBe(true);
    expect(Value.Check(schema, { id: "g", kind: "gemini", enabled: true, thinking_control: "sometimes" })).toBe(false);
    expect(Value.Check(schema, { id: "g", kind: "gemini", enabled: true, project: "p" })).toBe(false);
  });

  test("a base_url that ignores alt=sse and answers the JSON-array transport still streams", async () => {
    const chunks = [
      { candidates: [{ content: { role: "model", parts: [{ text: "array " }] }, index: 0 }], modelVersion: "gemini-2.5-flash" },
      { candidates: [{ content: { role: "model", parts: [{ text: "form" }] }, finishReason: "STOP", index: 0 }], usageMetadata: { promptTokenCount: 4, candidatesTokenCount: 2, totalTokenCount: 6 } },
    ];
    const plain = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => Response.json(chunks) });
    try {
      const arrayBackend = geminiKind.create({ id: "a", kind: "gemini", enabled: true, base_url: plain.url.origin, api_key: "k" }, { env: {}, log: noLog });
      const result = await events(arrayBackend);
      expect(result.flatMap((event) => (event.type === "text_delta" ? [event.text] : [])).join("")).toBe("array form");
      expect(result.at(-1)).toEqual({ type: "response_finished", finishReason: "stop", rawFinishReason: "STOP" });
    } finally {
      await plain.stop(true);
    }
  });

  test("cleartext base_url is refused unless it is loopback", () => {
    expect(() => geminiKind.create({ id: "g", kind: "gemini", enabled: true, base_url: "http://gemini.example.com" }, { env: {}, log: noLog })).toThrow("must use https");
  });
});
