/**
 * Upstream keys never reach a client or the log, whatever their shape: proxies and compatible
 * servers echo the key they were sent in error bodies and in mid-stream error events, and many
 * keys (Azure's hex keys, self-hosted proxies' tokens) look like nothing a pattern would catch.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startEmulator as startAnthropic } from "../emulators/anthropic.ts";
import type { Emulator, Step } from "../emulators/harness.ts";
import { startEmulator as startGemini } from "../emulators/gemini.ts";
import { startEmulator as startChat } from "../emulators/openai-chat.ts";
import { startEmulator as startResponses } from "../emulators/openai-responses.ts";
import { testConfig } from "../helpers/config.ts";
import { postJson, startLipstd, type TestServer } from "../helpers/lipstd.ts";

/** Keys no key-shape pattern knows. */
const keys = { chat: "proxy-token-7f3a9c21e5", responses: "c0ffee00c0ffee00c0ffee00c0ffee00", anthropic: "team.key.4411aa", gemini: "gemini:key:99zz88yy" };

/** Each upstream echoes the key it got, by the request's user text: before output, after output, or in an HTTP error. */
function echoing(key: string): (request: { rawBody: string }) => Step {
  return (request) => {
    if (request.rawBody.includes("http-error")) return { error: { status: 400, message: `bad request for key ${key} (x-api-key: ${key})` } };
    const streamError = { message: `quota exceeded for key ${key}; Authorization: ${key}`, code: "insufficient_quota", variant: "rate_limit_error" };
    if (request.rawBody.includes("before-output")) return { reply: {}, streamError };
    return { reply: { text: ["partial ", "answer"] }, streamError };
  };
}

const emulators: Record<keyof typeof keys, Emulator> = {} as Record<keyof typeof keys, Emulator>;
let server: TestServer;

beforeAll(async () => {
  emulators.chat = startChat({ script: echoing(keys.chat) });
  emulators.responses = startResponses({ script: echoing(keys.responses) });
  emulators.anthropic = startAnthropic({ script: echoing(keys.anthropic) });
  emulators.gemini = startGemini({ script: echoing(keys.gemini) });
  server = await startLipstd(
    testConfig(
      [
        { id: "chat", kind: "openai-legacy", base_url: emulators.chat.url, api_key: keys.chat },
        { id: "responses", kind: "openai-responses", base_url: emulators.responses.url, api_key: keys.responses },
        { id: "anthropic", kind: "anthropic", base_url: emulators.anthropic.url, api_key: keys.anthropic },
        { id: "gemini", kind: "gemini", base_url: emulators.gemini.url, api_key: keys.gemini },
      ],
      { routing: { max_attempts: 1 } },
    ),
    { env: {} },
  );
});

afterAll(async () => {
  await server.stop();
  await Promise.all(Object.values(emulators).map((emulator) => emulator.stop()));
});

describe("an upstream echoing its key", () => {
  for (const backend of Object.keys(keys) as Array<keyof typeof keys>) {
    for (const when of ["http-error", "before-output", "after-output"]) {
      for (const stream of [true, false]) {
        test(`${backend}: ${when}, ${stream ? "streamed" : "JSON"}: the key is in no answer and no log line`, async () => {
          const response = await postJson(
            `${server.url}/v1/chat/completions`,
            { model: "m", stream, messages: [{ role: "user", content: when }] },
            { "x-lip-route": `${backend}:model-x` },
          );
          const text = await response.text();
          // The failure is visible, just without the key.
          expect(response.status === 200 ? text : `${response.status} ${text}`).toMatch(/error/);
          expect(text).not.toContain(keys[backend]);
          expect(JSON.stringify(server.logs)).not.toContain(keys[backend]);
        });
      }
    }
  }
});
