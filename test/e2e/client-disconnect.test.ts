/**
 * A client that goes away must cancel the upstream request, for every backend kind and for
 * streamed and collected (JSON) answers alike: an abandoned upstream keeps generating tokens
 * somebody pays for. Each emulator records `aborted` when its client left before the end.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startEmulator as startAnthropic } from "../emulators/anthropic.ts";
import { startEmulator as startBedrock } from "../emulators/bedrock.ts";
import type { Emulator, Step } from "../emulators/harness.ts";
import { startEmulator as startGemini } from "../emulators/gemini.ts";
import { startEmulator as startChat } from "../emulators/openai-chat.ts";
import { startEmulator as startResponses } from "../emulators/openai-responses.ts";
import { testConfig } from "../helpers/config.ts";
import { startLipstd, type TestServer } from "../helpers/lipstd.ts";

/** A long, slow answer: the client leaves long before it ends. */
const slow: Step = { reply: { text: Array.from({ length: 40 }, (_, i) => `token${i} `) }, chunkDelayMs: 50 };
/** An upstream that answers headers, then stays silent (a long think before the first token). */
const silent: Step = { reply: { text: "late" }, firstChunkDelayMs: 5_000 };
/** Requests whose user text says "silent" get the silent upstream. */
const script = (request: { rawBody: string }): Step => (request.rawBody.includes("silent") ? silent : slow);

const kinds: Array<{ id: string; start: () => Emulator | Promise<Emulator>; config: (url: string) => Record<string, unknown> }> = [
  { id: "chat", start: () => startChat({ script }), config: (url) => ({ kind: "openai-legacy", base_url: url, api_key: "sk-chat-0123456789" }) },
  { id: "responses", start: () => startResponses({ script }), config: (url) => ({ kind: "openai-responses", base_url: url, api_key: "sk-responses-0123456789" }) },
  { id: "anthropic", start: () => startAnthropic({ script }), config: (url) => ({ kind: "anthropic", base_url: url, api_key: "sk-ant-0123456789" }) },
  { id: "gemini", start: () => startGemini({ script }), config: (url) => ({ kind: "gemini", base_url: url, api_key: "gemini-key-0123456789" }) },
  {
    id: "bedrock",
    start: () => startBedrock({ script }),
    config: (url) => ({ kind: "bedrock", base_endpoint: url, region: "us-west-2", access_key_id: "AKIDTEST", secret_access_key: "secret" }),
  },
];

const emulators = new Map<string, Emulator>();
let server: TestServer;

beforeAll(async () => {
  for (const kind of kinds) emulators.set(kind.id, await kind.start());
  server = await startLipstd(testConfig(kinds.map((kind) => ({ id: kind.id, ...kind.config(emulators.get(kind.id)!.url) }) as { id: string; kind: string })), { env: {} });
});

afterAll(async () => {
  await server.stop();
  await Promise.all([...emulators.values()].map((emulator) => emulator.stop()));
});

/** Polls (bounded) until the emulator saw its client leave. */
async function upstreamAborted(emulator: Emulator, count: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    const request = emulator.requests[count];
    if (request?.aborted) return true;
    await Bun.sleep(10);
  }
  return false;
}

function chatRequest(stream: boolean, text = "count slowly"): string {
  return JSON.stringify({ model: "m", stream, messages: [{ role: "user", content: text }] });
}

describe("a client that disconnects cancels the upstream", () => {
  for (const kind of kinds) {
    test(`${kind.id}: mid-stream`, async () => {
      const emulator = emulators.get(kind.id)!;
      const count = emulator.requests.length;
      const controller = new AbortController();
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-lip-route": `${kind.id}:model-x` },
        body: chatRequest(true),
        signal: controller.signal,
      });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const first = await reader.read();
      expect(new TextDecoder().decode(first.value)).toContain("data:");
      controller.abort();
      expect(await upstreamAborted(emulator, count)).toBe(true);
    });

    for (const [name, stream, text] of [
      ["while a non-streamed answer is being collected", false, "count slowly"],
      ["before the first token of a stream (upstream silent after its headers)", true, "silent please"],
    ] as const) {
      test(`${kind.id}: ${name}`, async () => {
        const emulator = emulators.get(kind.id)!;
        const count = emulator.requests.length;
        const controller = new AbortController();
        const pending = fetch(`${server.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-lip-route": `${kind.id}:model-x` },
          body: chatRequest(stream, text),
          signal: controller.signal,
        }).catch((error: unknown) => error);
        for (let i = 0; i < 200 && emulator.requests.length === count; i++) await Bun.sleep(10);
        expect(emulator.requests.length).toBe(count + 1);
        controller.abort();
        await pending;
        expect(await upstreamAborted(emulator, count)).toBe(true);
      });
    }
  }
});
