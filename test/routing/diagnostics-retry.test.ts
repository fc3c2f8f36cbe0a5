import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { retryDelay } from "../../src/core/executor/backoff.ts";
import { LipError } from "../../src/core/model/errors.ts";
import type { RunningServer } from "../../src/server/server.ts";
import { startFakeOpenAI, type FakeUpstream } from "./fake-openai.ts";
import { attemptsOf, chat, config, diagnostics, start, stub } from "./helpers.ts";

let upstream: FakeUpstream;
let server: RunningServer;
let open: RunningServer;

beforeAll(async () => {
  upstream = startFakeOpenAI();
  server = await start(
    config([{ id: "up", kind: "openai-legacy", enabled: true, base_url: upstream.url, api_key: "sk-test-key-000000" }, stub("ok", { text: "ok" })], {
      diagnostics: { ...diagnostics, shared_secret: "a-long-enough-secret" },
      routing: { max_attempts: 4, retry: { max_retries: 2, initial_backoff: 5, max_backoff: 1000 } },
    }),
  );
  open = await start(config([stub("ok")], { diagnostics: { enabled: true } }));
});

afterAll(async () => {
  await server.stop();
  await open.stop();
  await upstream.stop();
});

function fresh(): Array<{ role: string; content: string }> {
  return [{ role: "user", content: `conversation ${crypto.randomUUID()}` }];
}

describe("same-candidate retries", () => {
  test("a transient failure is retried on the same candidate and recovers", async () => {
    const response = await chat(server, { route: `up:once-${crypto.randomUUID()}|ok:m`, messages: fresh() });
    expect(response.status).toBe(200);
    const attempts = await attemptsOf(server, response.headers.get("x-lip-a-leg-id")!, "a-long-enough-secret");
    expect(attempts.map((attempt) => [attempt.backend_id, attempt.outcome, attempt.role])).toEqual([
      ["up", "swallowed_failure", "failover arm"],
      ["up", "success", "failover arm (retry 1)"],
    ]);
  });

  test("retries count against max_attempts", async () => {
    const response = await chat(server, { route: "up:fail-503|ok:m", messages: fresh() });
    const attempts = await attemptsOf(server, response.headers.get("x-lip-a-leg-id")!, "a-long-enough-secret");
    expect(attempts.map((attempt) => attempt.backend_id)).toEqual(["up", "up", "up", "ok"]);
  });

  test("a Retry-After longer than max_backoff fails over at once instead of waiting", async () => {
    const response = await chat(server, { route: "up:after-30|ok:m", messages: fresh() });
    expect(response.status).toBe(200);
    const attempts = await attemptsOf(server, response.headers.get("x-lip-a-leg-id")!, "a-long-enough-secret");
    expect(attempts.map((attempt) => attempt.backend_id)).toEqual(["up", "ok"]);
  });

  test("backoff: jittered under a doubling ceiling, Retry-After honoured up to the maximum", () => {
    const policy = { maxRetries: 3, initialBackoffMs: 100, maxBackoffMs: 1000 };
    const transient = new LipError("upstream", "x");
    expect(retryDelay(policy, 0, transient, () => 0.999)).toBeLessThan(100);
    expect(retryDelay(policy, 2, transient, () => 0.999)).toBeGreaterThan(300);
    expect(retryDelay(policy, 9, transient, () => 0.999)).toBeLessThan(1000);
    expect(retryDelay(policy, 0, new LipError("rate_limited", "x", { retryAfterMs: 700 }), Math.random)).toBe(700);
    expect(retryDelay(policy, 0, new LipError("rate_limited", "x", { retryAfterMs: 7000 }), Math.random)).toBeUndefined();
  });
});

describe("diagnostics endpoints", () => {
  test("attempts and route trace need the shared secret; health does not", async () => {
    expect((await fetch(`${server.url}/diagnostics/route-trace`)).status).toBe(403);
    expect((await fetch(`${server.url}/diagnostics/attempts/a_x`, { headers: { "x-lip-diagnostics-secret": "wrong" } })).status).toBe(403);
    const health = await fetch(`${server.url}/diagnostics/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", continuity_store: "memory", backends: [{ id: "up", circuit: "closed" }, { id: "ok" }] });
  });

  test("the route trace lists recent decisions, newest first, with their attempts", async () => {
    const response = await chat(server, { route: "up:fail-400|ok:m", messages: fresh() });
    expect(response.status).toBe(400);
    const trace = (await (await fetch(`${server.url}/diagnostics/route-trace`, { headers: { "x-lip-diagnostics-secret": "a-long-enough-secret" } })).json()) as {
      decisions: Array<Record<string, unknown> & { attempts: unknown[] }>;
    };
    expect(trace.decisions[0]).toMatchObject({ selector: "up:fail-400|ok:m", source: "header", a_leg_id: response.headers.get("x-lip-a-leg-id"), committed: null });
    expect(String(trace.decisions[0]!.error)).toContain("400");
    expect(trace.decisions[0]!.attempts).toHaveLength(1);
    expect(trace.decisions.length).toBeLessThanOrEqual(64);
  });

  test("?a_leg_id= works as well as the path form", async () => {
    const response = await chat(server, { route: "ok:m", messages: fresh() });
    const aLegId = response.headers.get("x-lip-a-leg-id")!;
    const listing = await fetch(`${server.url}/diagnostics/attempts?a_leg_id=${aLegId}`, { headers: { "x-lip-diagnostics-secret": "a-long-enough-secret" } });
    expect(((await listing.json()) as { attempts: unknown[] }).attempts).toHaveLength(1);
  });

  test("without a configured secret, loopback clients are let in", async () => {
    expect((await fetch(`${open.url}/diagnostics/route-trace`)).status).toBe(200);
  });
});
