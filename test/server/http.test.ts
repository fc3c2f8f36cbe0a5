import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { BackendKind } from "../../src/core/backend-kind.ts";
import * as registry from "../../src/registry.ts";
import { testConfig } from "../helpers/config.ts";
import { postJson, sseData, startLipstd, type TestServer } from "../helpers/lipstd.ts";

const chat = (content = "hi", extra: Record<string, unknown> = {}) => ({ model: "x", messages: [{ role: "user", content }], ...extra });

describe("HTTP surface", () => {
  let server: TestServer;
  let faulty: TestServer;
  beforeAll(async () => {
    server = await startLipstd(testConfig([{ id: "stub", kind: "local-stub" }], { server: { ...testConfig([]).server, max_body_bytes: 64 * 1024 } }));
    const broken: BackendKind = {
      kind: "broken",
      description: "throws a plain TypeError",
      create: (config) => ({
        id: config.id,
        kind: "broken",
        defaultModel: "m",
        models: () => [],
        stream: () => {
          throw new TypeError("cannot read properties of undefined (secret detail)");
        },
      }),
    };
    faulty = await startLipstd(testConfig([{ id: "b", kind: "broken" }]), { registry: { ...registry, backendKinds: [broken] } });
  });
  afterAll(async () => {
    await server.stop();
    await faulty.stop();
  });

  test("HEAD / answers 200 (Claude Code's connectivity probe)", async () => {
    const response = await fetch(server.url, { method: "HEAD" });
    expect(response.status).toBe(200);
  });

  test("GET /healthz reports ok", async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "ok" });
  });

  test("GET /v1/models lists routable models", async () => {
    const body = (await (await fetch(`${server.url}/v1/models`)).json()) as { object: string; data: Array<{ id: string }> };
    expect(body.object).toBe("list");
    expect(body.data.map((model) => model.id)).toContain("stub:stub-default");
  });

  test("malformed JSON is a 400 that says what is wrong", async () => {
    const response = await postJson(`${server.url}/v1/chat/completions`, '{"model": "x", "messages": [');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; type: string; code: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.code).toBe("invalid_json");
    expect(body.error.message).toContain("malformed JSON");
  });

  test("an invalid request names the offending field", async () => {
    const response = await postJson(`${server.url}/v1/chat/completions`, { model: "x", messages: [{ role: "user", content: 42 }] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; param: string } };
    expect(body.error.message).toContain("messages[0].content");
    expect(body.error.param).toBe("messages[0].content");
  });

  test("n > 1 is refused clearly", async () => {
    const response = await postJson(`${server.url}/v1/chat/completions`, chat("hi", { n: 2 }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("n=1");
  });

  test("an oversized body is a 413, declared or chunked", async () => {
    const big = chat("x".repeat(70 * 1024));
    const declared = await postJson(`${server.url}/v1/chat/completions`, big);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { message: string } }).error.message).toContain("too large");
    const bytes = new TextEncoder().encode(JSON.stringify(big));
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.subarray(i, i + 8192));
        controller.close();
      },
    });
    const streamed = await fetch(`${server.url}/v1/chat/completions`, { method: "POST", body: chunked, headers: { "content-type": "application/json" } });
    expect(streamed.status).toBe(413);
  });

  test("unknown route is a 404, wrong method a 405, both OpenAI-shaped", async () => {
    const missing = await fetch(`${server.url}/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain("/v1/nothing-here");
    const wrong = await fetch(`${server.url}/v1/chat/completions`);
    expect(wrong.status).toBe(405);
    expect(((await wrong.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
  });

  test("a path segment with a broken percent escape is not a 500: Gemini listing 404s, generation still answers", async () => {
    const lookup = await fetch(`${server.url}/v1beta/models/%E0%A4%A`);
    expect(lookup.status).toBe(404);
    expect(((await lookup.json()) as { error: { status: string } }).error.status).toBe("NOT_FOUND");
    const generate = await postJson(`${server.url}/v1beta/models/%E0%A4%A:generateContent`, { contents: [{ parts: [{ text: "hi" }] }] });
    expect(generate.status).toBe(200);
    expect(server.logs.filter((line) => line.message === "unhandled server error")).toEqual([]);
  });

  test("an internal fault is a 500 'internal error' without the detail", async () => {
    const response = await postJson(`${faulty.url}/v1/chat/completions`, chat());
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toBe("internal error");
    expect(JSON.stringify(body)).not.toContain("secret detail");
    expect(faulty.logs.some((line) => line.level === "error" && JSON.stringify(line.fields).includes("secret detail"))).toBe(true);
  });

  test("usage arrives in a final chunk only when asked", async () => {
    const without = await sseData(await postJson(`${server.url}/v1/chat/completions`, chat("hi", { stream: true })));
    expect(without.at(-1)).toBe("[DONE]");
    expect(without.some((data) => data.includes('"usage"'))).toBe(false);
    const withUsage = await sseData(await postJson(`${server.url}/v1/chat/completions`, chat("hi", { stream: true, stream_options: { include_usage: true } })));
    const usageChunk = JSON.parse(withUsage.at(-2)!) as { choices: unknown[]; usage: { total_tokens: number } };
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage.total_tokens).toBe(30);
  });
});

describe("long quiet periods", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Bun checks idle sockets every ~4 s: a 2 s idle cut fires by 4 s; the stub goes quiet for
    // 6 s after its first delta (a model thinking between tokens).
    server = await startLipstd(testConfig([{ id: "stub", kind: "local-stub", chunks: 2, chunk_delay_ms: 6000 }]), { idleTimeoutSeconds: 2 });
  });
  afterAll(() => server.stop());

  test("streaming and non-streaming requests survive a silence longer than the idle cut", async () => {
    const [streamed, plain] = await Promise.all([
      postJson(`${server.url}/v1/chat/completions`, chat("hi", { stream: true })).then(sseData),
      postJson(`${server.url}/v1/chat/completions`, chat()),
    ]);
    expect(streamed.at(-1)).toBe("[DONE]");
    expect(streamed.join("")).toContain("assistant text");
    expect(plain.status).toBe(200);
  }, 15_000);
});
