import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningServer } from "../../src/server/server.ts";
import { startFakeOpenAI, type FakeUpstream } from "./fake-openai.ts";
import { attemptsOf, chat, config, diagnostics, eventually, sse, start, streamedText, stub } from "./helpers.ts";

let upstream: FakeUpstream;
let server: RunningServer;

beforeAll(async () => {
  upstream = startFakeOpenAI();
  server = await start(
    config([{ id: "up", kind: "openai-legacy", enabled: true, base_url: upstream.url, api_key: "sk-test-key-000000" }, stub("stub", { text: "from stub" }),
      stub("spaces", { text: "   late", chunks: 4, chunk_delay_ms: 2000 }),
      stub("real", { text: "real answer", ttft_ms: 100 }),
    ], {
      diagnostics,
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

function reset(): void {
  upstream.started.length = 0;
  upstream.aborted.length = 0;
}

describe("parallel races", () => {
  test("the first leg to answer wins; the loser's upstream request is aborted, not drained", async () => {
    reset();
    const response = await chat(server, { route: "up:slow-5000!up:slow-0", stream: true, messages: fresh() });
    expect(streamedText((await sse(response)).data)).toBe("answer from slow-0");
    await eventually(() => upstream.aborted.includes("slow-5000"));
    expect(upstream.aborted).not.toContain("slow-0");
    const attempts = await attemptsOf(server, response.headers.get("x-lip-a-leg-id")!);
    const byModel = Object.fromEntries(attempts.map((attempt) => [attempt.effective_model, attempt]));
    expect(byModel["slow-0"]).toMatchObject({ outcome: "success" });
    await eventually(async () => (await attemptsOf(server, response.headers.get("x-lip-a-leg-id")!)).some((attempt) => attempt.outcome === "cancelled"));
    const loser = (await attemptsOf(server, response.headers.get("x-lip-a-leg-id")!)).find((attempt) => attempt.effective_model === "slow-5000");
    expect(loser).toMatchObject({ outcome: "cancelled" });
    expect(String(loser!.reason)).toContain("lost the race");
  });

  test("handicap: a leg with a lower handicap starts later and never starts when the race is already won", async () => {
    reset();
    const response = await chat(server, { route: "[handicap=5]up:slow-0!up:late", messages: fresh() });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe("answer from slow-0");
    await Bun.sleep(50);
    expect(upstream.started).toEqual(["slow-0"]);
  });

  test("delayed hedging: the hedge leg starts after the handicap gap and wins over a slow first leg", async () => {
    reset();
    const response = await chat(server, { route: "[handicap=0.2]up:slow-5000!up:slow-0", stream: true, messages: fresh() });
    expect(streamedText((await sse(response)).data)).toBe("answer from slow-0");
    expect(upstream.started).toEqual(["slow-5000", "slow-0"]);
    await eventually(() => upstream.aborted.includes("slow-5000"));
  });

  test("no winner: every leg failed, failover moves on to the next arm", async () => {
    reset();
    const response = await chat(server, { route: "up:fail-500!up:fail-503|stub:m", messages: fresh() });
    expect(((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe("from stub");
    expect([...upstream.started].sort()).toEqual(["fail-500", "fail-503"]);
  });

  test("a whitespace-only delta does not win a race", async () => {
    // `spaces` sends three spaces at once and its real text much later; `real` answers after 100 ms.
    const response = await chat(server, { route: "spaces:m!real:m", stream: true, messages: fresh() });
    expect(streamedText((await sse(response)).data)).toBe("real answer");
  });
});

describe("honest endings from a real HTTP upstream", () => {
  test("an upstream that stops without a finish ends the client stream with an error event", async () => {
    const response = await chat(server, { route: "up:truncate|stub:m", stream: true, messages: fresh() });
    const { data } = await sse(response);
    expect(data.some((payload) => payload.includes("answer from truncate"))).toBe(true);
    expect(data.at(-1)).toContain("ended without a finish");
    expect(data).not.toContain("[DONE]");
    const attempts = await attemptsOf(server, response.headers.get("x-lip-a-leg-id")!);
    expect(attempts.map((attempt) => attempt.outcome)).toEqual(["surfaced_failure"]);
  });

  test("a malformed upstream stream after output is surfaced, not hidden", async () => {
    const response = await chat(server, { route: "up:malformed", stream: true, messages: fresh() });
    const { data } = await sse(response);
    expect(data.at(-1)).toContain("malformed JSON");
  });

  test("a client that disconnects mid-wait cancels the upstream request", async () => {
    reset();
    const controller = new AbortController();
    const pending = fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lip-route": "up:slow-5000" },
      body: JSON.stringify({ model: "x", stream: true, messages: fresh() }),
      signal: controller.signal,
    }).catch(() => undefined);
    await eventually(() => upstream.started.includes("slow-5000"));
    controller.abort();
    await pending;
    await eventually(() => upstream.aborted.includes("slow-5000"));
  });
});
