/** Reaching Anthropic-family backends without a selector, by prefix, and under http_client limits. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { anthropicKind } from "../../../src/backends/anthropic/kind.ts";
import { defaultHttpClientSettings } from "../../../src/core/backend-kind.ts";
import { LipError } from "../../../src/core/model/errors.ts";
import { type Emulator, startEmulator } from "../../emulators/anthropic.ts";
import { testConfig } from "../../helpers/config.ts";
import { startLipstd, type TestServer } from "../../helpers/lipstd.ts";
import { call, collect, silentLog, user } from "./helpers.ts";

let claude: Emulator;
let compatible: Emulator;
let server: TestServer;
let client: OpenAI;

beforeAll(async () => {
  claude = startEmulator({ script: [{ reply: { text: "from anthropic" } }] });
  compatible = startEmulator({ script: [{ reply: { text: "from the compatible server" } }], requireKey: false });
  server = await startLipstd(
    testConfig([
      { id: "stub", kind: "local-stub" },
      { id: "claude", kind: "anthropic", base_url: claude.url, api_key: "k" },
      { id: "compat", kind: "custom-anthropic-compatible", base_url: compatible.url, backend_prefix: "mine" },
    ]),
    { env: {} },
  );
  client = new OpenAI({ apiKey: "client-key", baseURL: `${server.url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await server.stop();
  await claude.stop();
  await compatible.stop();
});

const ask = async (model: string) =>
  (await client.chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] })).choices[0]!.message.content;

describe("anthropic routing", () => {
  test("a bare claude-* model auto-routes to the anthropic backend, not the first one", async () => {
    expect(await ask("claude-sonnet-4-6")).toBe("from anthropic");
    expect(claude.requests.at(-1)!.body.model).toBe("claude-sonnet-4-6");
  });

  test("backend_prefix names a custom-anthropic-compatible backend in the body model", async () => {
    expect(await ask("mine:local-model")).toBe("from the compatible server");
    expect(compatible.requests.at(-1)!.body.model).toBe("local-model");
  });

  test("http_client.response_header_timeout bounds a slow upstream as a recoverable timeout", async () => {
    const slow = startEmulator({ script: [{ reply: { text: "late" }, headersDelayMs: 1_000 }] });
    try {
      const backend = anthropicKind.create(
        { id: "slow", kind: "anthropic", enabled: true, base_url: slow.url, api_key: "k" },
        { env: {}, log: silentLog, http: { ...defaultHttpClientSettings, responseHeaderTimeoutMs: 50 } },
      );
      const thrown = await collect(backend.stream(call([user("hi")]), { model: "m", signal: new AbortController().signal, aLegId: "a", bLegId: "b", clientHeaders: new Headers(), log: silentLog })).catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(LipError);
      expect((thrown as LipError).error).toMatchObject({ kind: "timeout", recoverable: true });
    } finally {
      await slow.stop();
    }
  });
});
