import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningServer } from "../../src/server/server.ts";
import { attemptsOf, chat, config, diagnostics, sse, start, streamedText, stub } from "./helpers.ts";

let server: RunningServer;

beforeAll(async () => {
  server = await start(
    config(
      [
        stub("ok", { text: "from ok" }),
        stub("err500", { fail_status: 500 }),
        stub("err429", { fail_status: 429 }),
        stub("err400", { fail_status: 400 }),
        stub("slow", { ttft_ms: 3000, text: "too late" }),
        stub("broken", { stream_error_after_text_delta: true, text: "partial", chunks: 1 }),
        stub("ok2", { text: "from ok2" }),
      ],
      { diagnostics },
    ),
  );
});

afterAll(() => server.stop());

async function outcomes(response: Response): Promise<string[]> {
  const attempts = await attemptsOf(server, response.headers.get("x-lip-a-leg-id")!);
  return attempts.map((attempt) => `${attempt.backend_id}:${attempt.outcome}`);
}

function fresh(): Array<{ role: string; content: string }> {
  return [{ role: "user", content: `conversation ${crypto.randomUUID()}` }];
}

describe("pre-output failover", () => {
  test("a 500 before output moves on to the next arm, invisibly", async () => {
    const response = await chat(server, { route: "err500:m|ok:m", messages: fresh() });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]!.message.content).toBe("from ok");
    expect(await outcomes(response)).toEqual(["err500:swallowed_failure", "ok:success"]);
  });

  test("a 429 before output moves on, also when streaming", async () => {
    const response = await chat(server, { route: "err429:m|ok:m", stream: true, messages: fresh() });
    expect(response.status).toBe(200);
    expect(streamedText((await sse(response)).data)).toBe("from ok");
    expect(await outcomes(response)).toEqual(["err429:swallowed_failure", "ok:success"]);
  });

  test("a leaf TTFT budget expiring is a recoverable failure", async () => {
    const response = await chat(server, { route: "[ttft_timeout=0.2]slow:m|ok:m", stream: true, messages: fresh() });
    expect(streamedText((await sse(response)).data)).toBe("from ok");
    const attempts = await attemptsOf(server, response.headers.get("x-lip-a-leg-id")!);
    expect(attempts[0]).toMatchObject({ backend_id: "slow", outcome: "swallowed_failure", failure_class: "provider_degraded" });
    expect(String(attempts[0]!.reason)).toContain("no first token");
  });

  test("a client error (400) is not failed over: the client sees it as it is", async () => {
    const response = await chat(server, { route: "err400:m|ok:m", messages: fresh() });
    expect(response.status).toBe(400);
    expect(await outcomes(response)).toEqual(["err400:surfaced_failure"]);
  });

  test("max_attempts caps the walk", async () => {
    const response = await chat(server, { route: "err429:m|err429:m2|err429:m3|ok:m", messages: fresh() });
    expect(response.status).toBe(429);
    expect(response.headers.get("x-llm-proxy-error-class")).toBe("localized_rate_limit");
    expect(await outcomes(response)).toEqual(["err429:swallowed_failure", "err429:swallowed_failure", "err429:surfaced_failure"]);
  });

  test("weighted group: a failed branch is excluded and the group re-rolled before the next arm", async () => {
    for (let round = 0; round < 5; round++) {
      const response = await chat(server, { route: "err500:m^ok2:m|ok:m", messages: fresh() });
      const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
      expect(body.choices[0]!.message.content).toBe("from ok2");
    }
  });
});

describe("honest stream endings after output", () => {
  test("no failover after output: the stream ends with an error event, not [DONE]", async () => {
    const response = await chat(server, { route: "broken:m|ok:m", stream: true, messages: fresh() });
    expect(response.status).toBe(200);
    const { data } = await sse(response);
    expect(streamedText(data.filter((payload) => !payload.includes('"error"')))).toBe("partial");
    expect(data.at(-1)).toContain('"error"');
    expect(data).not.toContain("[DONE]");
    expect(await outcomes(response)).toEqual(["broken:surfaced_failure"]);
  });

  test("non-streaming: a break after output is an error response, not a partial answer", async () => {
    const response = await chat(server, { route: "broken:m|ok:m", messages: fresh() });
    expect(response.status).toBeGreaterThanOrEqual(500);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain("broken after text delta");
    expect(response.headers.get("x-lip-a-leg-id")).toMatch(/^a_[0-9a-f]{32}$/);
  });
});
