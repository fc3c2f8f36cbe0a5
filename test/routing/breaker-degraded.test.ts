import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import type { RunningServer } from "../../src/server/server.ts";
import { startFakeOpenAI, type FakeUpstream } from "./fake-openai.ts";
import { attemptsOf, chat, config, diagnostics, eventually, start, stub } from "./helpers.ts";

let upstream: FakeUpstream;
let server: RunningServer;
const marker = "[LLM_PROXY_PROVIDER_DEGRADED]";

beforeAll(async () => {
  upstream = startFakeOpenAI();
  server = await start(
    config([{ id: "up", kind: "openai-legacy", enabled: true, base_url: upstream.url, api_key: "sk-test-key-000000" }, stub("stub", { text: "from stub" }), stub("down", { fail_status: 502 }), stub("limited", { fail_status: 429 }), stub("sdk-down", { fail_status: 502 })], {
      diagnostics,
      routing: { max_attempts: 3, health: { circuit_breaker: { enabled: true, failure_threshold: 2, open_for: 300 }, test_mode: true } },
    }),
  );
});

afterAll(async () => {
  await server.stop();
  await upstream.stop();
});

function fresh(): Array<{ role: string; content: string }> {
  return [{ role: "user", content: `conversation ${crypto.randomUUID()}` }];
}

async function circuit(backend: string): Promise<string> {
  const health = (await (await fetch(`${server.url}/diagnostics/health`)).json()) as { backends: Array<{ id: string; circuit: string }> };
  return health.backends.find((entry) => entry.id === backend)!.circuit;
}

async function backendsTried(response: Response): Promise<string[]> {
  return (await attemptsOf(server, response.headers.get("x-lip-a-leg-id")!)).map((attempt) => `${attempt.backend_id}:${attempt.outcome}`);
}

describe("circuit breaker", () => {
  test("opens after the threshold, skips the backend, half-opens for one probe, and closes on success", async () => {
    for (let round = 0; round < 2; round++) {
      const response = await chat(server, { route: "up:fail-500|stub:m", messages: fresh() });
      expect(response.status).toBe(200);
    }
    expect(await circuit("up")).toBe("open");

    const skipped = await chat(server, { route: "up:slow-0|stub:m", messages: fresh() });
    expect(await backendsTried(skipped)).toEqual(["stub:success"]);

    const alone = await chat(server, { route: "up:slow-0", messages: fresh() });
    expect(alone.status).toBe(503);
    expect(alone.headers.get("x-llm-proxy-error-class")).toBe("provider_degraded");
    expect(((await alone.json()) as { error: { message: string } }).error.message).toContain(marker);

    await eventually(async () => (await circuit("up")) === "half_open");
    const failedProbe = await chat(server, { route: "up:fail-500|stub:m", messages: fresh() });
    expect(await backendsTried(failedProbe)).toEqual(["up:swallowed_failure", "stub:success"]);
    expect(await circuit("up")).toBe("open");

    await eventually(async () => (await circuit("up")) === "half_open");
    const probe = await chat(server, { route: "up:slow-0", messages: fresh() });
    expect(probe.status).toBe(200);
    expect(await circuit("up")).toBe("closed");
  });

  test("a localized rate limit does not count toward opening", async () => {
    for (let round = 0; round < 3; round++) await chat(server, { route: "limited:m|stub:m", messages: fresh() });
    expect(await circuit("limited")).toBe("closed");
    for (let round = 0; round < 2; round++) await chat(server, { route: "down:m|stub:m", messages: fresh() });
    expect(await circuit("down")).toBe("open");
  });
});

describe("degraded signal through the OpenAI SDK", () => {
  function client(headers: Record<string, string>): OpenAI {
    return new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-test", maxRetries: 0, defaultHeaders: headers });
  }

  async function messageOf(promise: Promise<unknown>): Promise<{ text: string; status: number | undefined }> {
    try {
      await promise;
    } catch (thrown) {
      return { text: String(thrown), status: (thrown as { status?: number }).status };
    }
    throw new Error("expected the SDK to throw");
  }

  test("every candidate failing shows up as an exception whose text carries the marker", async () => {
    const { text, status } = await messageOf(client({ "x-lip-route": "sdk-down:m" }).chat.completions.create({ model: "x", messages: fresh() as never }));
    expect(status).toBe(503);
    expect(text).toContain(marker);
  });

  test("streaming: the marker is in the exception too", async () => {
    const { text } = await messageOf(
      (async () => {
        const stream = await client({ "x-lip-route": "sdk-down:m" }).chat.completions.create({ model: "x", messages: fresh() as never, stream: true });
        for await (const _ of stream) {
          // drain
        }
      })(),
    );
    expect(text).toContain(marker);
  });

  test("test mode force_degraded answers with the degraded signal without calling a backend", async () => {
    const before = upstream.started.length;
    const { text, status } = await messageOf(client({ "x-lip-route": "up:slow-0", "x-llm-proxy-test-mode": "force_degraded" }).chat.completions.create({ model: "x", messages: fresh() as never }));
    expect(status).toBe(503);
    expect(text).toContain(marker);
    expect(upstream.started.length).toBe(before);
  });

  test("test mode force_transient_recover fails the first attempt and recovers on the same candidate", async () => {
    const response = await chat(server, { route: "stub:m", messages: fresh(), headers: { "x-llm-proxy-test-mode": "force_transient_recover" } });
    expect(response.status).toBe(200);
    const attempts = await attemptsOf(server, response.headers.get("x-lip-a-leg-id")!);
    expect(attempts.map((attempt) => `${attempt.backend_id}:${attempt.outcome}`)).toEqual(["stub:swallowed_failure", "stub:success"]);
    expect(String(attempts[0]!.reason)).toContain("test mode");
  });

  test("an unknown test mode is a 400 naming the header", async () => {
    const response = await chat(server, { route: "stub:m", messages: fresh(), headers: { "x-llm-proxy-test-mode": "explode" } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe("X-LLM-Proxy-Test-Mode");
  });
});
