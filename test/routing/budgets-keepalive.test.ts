import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningServer } from "../../src/server/server.ts";
import { attemptsOf, chat, config, diagnostics, sse, start, streamedText, stub } from "./helpers.ts";

let server: RunningServer;

beforeAll(async () => {
  const base = config([stub("slow", { ttft_ms: 400, text: "slow answer" }), stub("slower", { ttft_ms: 3000 }), stub("fail", { fail_status: 503, ttft_ms: 150 }), stub("ok", { text: "ok" })], {
    diagnostics,
  });
  base.server.stream_keepalive_interval = 100;
  base.routing.health = { circuit_breaker: { enabled: true, failure_threshold: 1000 } };
  server = await start(base);
});

afterAll(() => server.stop());

function fresh(): Array<{ role: string; content: string }> {
  return [{ role: "user", content: `conversation ${crypto.randomUUID()}` }];
}

describe("TTFT budgets", () => {
  test("the global budget expiring ends the request with a timeout error in the client's dialect", async () => {
    const response = await chat(server, { route: "{ttft_timeout=0.05}slower:m|ok:m", messages: fresh() });
    expect(response.status).toBe(504);
    const body = (await response.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: "timeout_error", code: "ttft_timeout" });
    expect(body.error.message).toContain("ttft_timeout");
    const attempts = await attemptsOf(server, response.headers.get("x-lip-a-leg-id")!);
    expect(attempts.map((attempt) => attempt.backend_id)).toEqual(["slower"]);
  });

  test("leaf budgets fail over until the global budget allows no more", async () => {
    const response = await chat(server, { route: "{ttft_timeout=5}[ttft_timeout=0.05]slower:m|ok:m", messages: fresh() });
    expect(response.status).toBe(200);
  });

  test("the global budget stops at output: a long stream after a fast first token is not cut", async () => {
    const response = await chat(server, { route: "{ttft_timeout=0.2}ok:m", stream: true, messages: fresh() });
    expect(streamedText((await sse(response)).data)).toBe("ok");
  });
});

describe("pre-first-token keepalive", () => {
  test("a slow first token gets SSE comments first, then the answer", async () => {
    const response = await chat(server, { route: "slow:m", stream: true, messages: fresh() });
    expect(response.status).toBe(200);
    const { comments, data, text } = await sse(response);
    expect(comments).toBeGreaterThanOrEqual(1);
    expect(text.indexOf(":")).toBeLessThan(text.indexOf("data:"));
    expect(streamedText(data)).toBe("slow answer");
    expect(data.at(-1)).toBe("[DONE]");
  });

  test("a failure after keepalives were sent arrives as the dialect's error event", async () => {
    const response = await chat(server, { route: "{ttft_timeout=0.3}slower:m", stream: true, messages: fresh() });
    expect(response.status).toBe(200);
    const { comments, data } = await sse(response);
    expect(comments).toBeGreaterThanOrEqual(1);
    expect(data).toHaveLength(1);
    expect(JSON.parse(data[0]!)).toMatchObject({ error: { code: "ttft_timeout", type: "timeout_error" } });
  });

  test("the degraded signal also reaches a stream that was already started", async () => {
    const response = await chat(server, { route: "fail:m", stream: true, messages: fresh() });
    const { data } = await sse(response);
    expect(JSON.parse(data.at(-1)!).error.message).toContain("[LLM_PROXY_PROVIDER_DEGRADED]");
  });

  test("a fast answer has no keepalive at all", async () => {
    const response = await chat(server, { route: "ok:m", stream: true, messages: fresh() });
    expect((await sse(response)).comments).toBe(0);
  });
});
