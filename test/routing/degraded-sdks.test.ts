import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import type { RunningServer } from "../../src/server/server.ts";
import { config, start, stub } from "./helpers.ts";

/** The degraded signal as SDK users meet it: an exception whose text carries the marker. */

let server: RunningServer;
const marker = "[LLM_PROXY_PROVIDER_DEGRADED]";

beforeAll(async () => {
  const base = config([stub("down", { fail_status: 502 }), stub("slow-down", { fail_status: 502, ttft_ms: 400 }), stub("ok", { text: "fine" })], {
    routing: { max_attempts: 3, health: { circuit_breaker: { enabled: true, failure_threshold: 1000 }, test_mode: true } },
  });
  base.server.stream_keepalive_interval = 100;
  server = await start(base);
});

afterAll(() => server.stop());

async function failureText(run: () => Promise<unknown>): Promise<{ text: string; status: number | undefined }> {
  try {
    await run();
  } catch (thrown) {
    return { text: `${String(thrown)} ${JSON.stringify((thrown as { error?: unknown }).error ?? null)}`, status: (thrown as { status?: number }).status };
  }
  throw new Error("expected the SDK to throw");
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) {
    // read to the end
  }
}

const user = (text: string) => [{ role: "user" as const, content: `${text} ${crypto.randomUUID()}` }];

describe("OpenAI Responses SDK", () => {
  const client = (route: string, extra: Record<string, string> = {}) =>
    new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-test", maxRetries: 0, defaultHeaders: { "x-lip-route": route, ...extra } });

  test("non-streaming", async () => {
    const { text, status } = await failureText(() => client("down:m").responses.create({ model: "x", input: "hi" }));
    expect(status).toBe(503);
    expect(text).toContain(marker);
  });

  test("streaming", async () => {
    const { text } = await failureText(async () => drain(await client("down:m").responses.create({ model: "x", input: "hi", stream: true })));
    expect(text).toContain(marker);
  });

  test("streaming after keepalives were sent: the error event carries the marker", async () => {
    const { text } = await failureText(async () => drain(await client("slow-down:m").responses.create({ model: "x", input: "hi", stream: true })));
    expect(text).toContain(marker);
  });

  test("test mode force_degraded", async () => {
    const { text, status } = await failureText(() => client("ok:m", { "x-llm-proxy-test-mode": "force_degraded" }).responses.create({ model: "x", input: "hi" }));
    expect(status).toBe(503);
    expect(text).toContain(marker);
  });
});

describe("Anthropic SDK", () => {
  const client = (route: string, extra: Record<string, string> = {}) =>
    new Anthropic({ baseURL: server.url, apiKey: "sk-ant-test", maxRetries: 0, defaultHeaders: { "x-lip-route": route, ...extra } });

  test("non-streaming", async () => {
    const { text, status } = await failureText(() => client("down:m").messages.create({ model: "x", max_tokens: 16, messages: user("hi") }));
    expect(status).toBe(503);
    expect(text).toContain(marker);
  });

  test("streaming", async () => {
    const { text } = await failureText(async () => drain(await client("down:m").messages.create({ model: "x", max_tokens: 16, messages: user("hi"), stream: true })));
    expect(text).toContain(marker);
  });

  test("streaming after ping keepalives: the error event carries the marker", async () => {
    const { text } = await failureText(async () => drain(await client("slow-down:m").messages.create({ model: "x", max_tokens: 16, messages: user("hi"), stream: true })));
    expect(text).toContain(marker);
  });

  test("test mode force_degraded", async () => {
    const { text, status } = await failureText(() => client("ok:m", { "x-llm-proxy-test-mode": "force_degraded" }).messages.create({ model: "x", max_tokens: 16, messages: user("hi") }));
    expect(status).toBe(503);
    expect(text).toContain(marker);
  });

  test("the Anthropic keepalive is a ping event", async () => {
    const response = await fetch(`${server.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lip-route": "slow-down:m", "x-api-key": "k", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "x", max_tokens: 16, stream: true, messages: user("hi") }),
    });
    const body = await response.text();
    expect(body).toContain("event: ping");
    expect(body.indexOf("event: ping")).toBeLessThan(body.indexOf("event: error"));
  });
});

describe("OpenAI Chat SDK after keepalives", () => {
  test("streaming: the error event after SSE comments carries the marker", async () => {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-test", maxRetries: 0, defaultHeaders: { "x-lip-route": "slow-down:m" } });
    const { text } = await failureText(async () => drain(await client.chat.completions.create({ model: "x", messages: user("hi"), stream: true })));
    expect(text).toContain(marker);
  });
});

describe("Gemini SDK", () => {
  const client = (extra: Record<string, string> = {}) => new GoogleGenAI({ apiKey: "x", httpOptions: { baseUrl: server.url, headers: extra } });
  const contents = () => `hi ${crypto.randomUUID()}`;

  test("non-streaming", async () => {
    const { text, status } = await failureText(() => client().models.generateContent({ model: "down:m", contents: contents() }));
    expect(status).toBe(503);
    expect(text).toContain(marker);
  });

  test("streaming", async () => {
    const { text } = await failureText(async () => drain(await client().models.generateContentStream({ model: "down:m", contents: contents() })));
    expect(text).toContain(marker);
  });

  test("streaming after keepalives: the error event carries the marker", async () => {
    const { text } = await failureText(async () => drain(await client().models.generateContentStream({ model: "slow-down:m", contents: contents() })));
    expect(text).toContain(marker);
  });

  test("test mode force_degraded, by header", async () => {
    const { text, status } = await failureText(() => client({ "x-llm-proxy-test-mode": "force_degraded" }).models.generateContent({ model: "ok:m", contents: contents() }));
    expect(status).toBe(503);
    expect(text).toContain(marker);
  });

  test("test mode by query parameter, for clients that cannot add headers", async () => {
    const response = await fetch(`${server.url}/v1beta/models/ok:m:generateContent?llm_proxy_test_mode=force_degraded`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": "x" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: contents() }] }] }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get("x-llm-proxy-error-class")).toBe("provider_degraded");
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(marker);
  });
});
