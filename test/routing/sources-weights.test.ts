import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningServer } from "../../src/server/server.ts";
import { attemptsOf, chat, config, diagnostics, start, stub } from "./helpers.ts";

let server: RunningServer;

beforeAll(async () => {
  server = await start(
    config([stub("heavy", { text: "heavy" }), stub("light", { text: "light" }), stub("opener", { text: "opener" }), stub("echo", { echo_call: true })], {
      diagnostics,
      routing: { max_attempts: 3, default_route: "light:default-model" },
      model_aliases: [
        { pattern: "^smart$", replacement: "heavy:big|light:small" },
        { pattern: "^tier-(\\w+)$", replacement: "echo:model-$1" },
      ],
    }),
  );
});

afterAll(() => server.stop());

async function answer(response: Response): Promise<string> {
  return ((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content;
}

async function model(response: Response): Promise<string> {
  return ((await response.json()) as { model: string }).model;
}

function fresh(): Array<{ role: string; content: string }> {
  return [{ role: "user", content: `conversation ${crypto.randomUUID()}` }];
}

describe("selector sources", () => {
  test("X-LIP-Route wins over the body model", async () => {
    expect(await answer(await chat(server, { model: "heavy:x", route: "opener:y", messages: fresh() }))).toBe("opener");
  });

  test("a body model naming a backend is a selector", async () => {
    expect(await model(await chat(server, { model: "heavy:some/model:v1", messages: fresh() }))).toBe("some/model:v1");
  });

  test("model aliases rewrite the whole selector, with captures", async () => {
    expect(await answer(await chat(server, { model: "smart", messages: fresh() }))).toBe("heavy");
    expect(await model(await chat(server, { model: "tier-gold", messages: fresh() }))).toBe("model-gold");
  });

  test("anything else takes routing.default_route", async () => {
    const response = await chat(server, { model: "gpt-4o", messages: fresh() });
    expect(await model(response)).toBe("default-model");
  });

  test("an invalid selector in the header is a 400 naming the position", async () => {
    const response = await chat(server, { route: "heavy:a^^light:b", messages: fresh() });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; code: string } };
    expect(body.error).toMatchObject({ code: "invalid_route_selector", message: "invalid route selector: empty weighted branch at position 8" });
  });

  test("route params override the body's options for that leaf only", async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lip-route": "echo:m?temperature=0.1&max_tokens=64&reasoning_effort=low&verbosity=high" },
      body: JSON.stringify({ model: "x", temperature: 1.5, max_tokens: 4000, messages: fresh() }),
    });
    const call = JSON.parse(await answer(response)) as { options: Record<string, unknown> };
    expect(call.options).toMatchObject({ temperature: 0.1, maxOutputTokens: 64, reasoning: { effort: "low" }, verbosity: "high" });
  });
});

describe("weighted routing over HTTP", () => {
  test("a 3:1 split lands within statistical bounds over 400 requests", async () => {
    const counts: Record<string, number> = { heavy: 0, light: 0 };
    for (let i = 0; i < 400; i++) counts[await answer(await chat(server, { route: "[weight=3]heavy:m^[weight=1]light:m", messages: fresh() }))]!++;
    // Binomial sd at n=400 is about 2.2%; ±10% is far outside chance.
    expect(counts.heavy! / 400).toBeGreaterThan(0.65);
    expect(counts.heavy! / 400).toBeLessThan(0.85);
  });

  test("[first] answers an A-leg's first turn; later turns of that conversation use the weights", async () => {
    const route = "[first]opener:m^[weight=1000000]heavy:m";
    const opening = [{ role: "user", content: `plan a trip ${crypto.randomUUID()}` }];
    const first = await chat(server, { route, messages: opening });
    expect(await answer(first)).toBe("opener");
    const second = await chat(server, { route, messages: [...opening, { role: "assistant", content: "opener" }, { role: "user", content: "and then?" }] });
    expect(await answer(second)).toBe("heavy");
    expect(second.headers.get("x-lip-a-leg-id")).toBe(first.headers.get("x-lip-a-leg-id"));
    const attempts = await attemptsOf(server, first.headers.get("x-lip-a-leg-id")!);
    expect(attempts.map((attempt) => [attempt.seq, attempt.backend_id])).toEqual([
      [1, "opener"],
      [2, "heavy"],
    ]);
  });

  test("X-LIP-Session-Id ties turns together; with a header, a known A-leg's first turn is spent", async () => {
    const session = `session-${crypto.randomUUID()}`;
    const route = "[first]opener:m^[weight=1000000]heavy:m";
    const first = await chat(server, { route, messages: fresh(), headers: { "x-lip-session-id": session } });
    const second = await chat(server, { route, messages: fresh(), headers: { "x-lip-session-id": session } });
    expect([await answer(first), await answer(second)]).toEqual(["opener", "heavy"]);
    expect(second.headers.get("x-lip-a-leg-id")).toBe(first.headers.get("x-lip-a-leg-id"));
    const third = await chat(server, { route, messages: fresh(), headers: { "x-lip-a-leg-id": first.headers.get("x-lip-a-leg-id")! } });
    expect(await answer(third)).toBe("heavy");
  });

  test("a malformed X-LIP-A-Leg-Id is a 400", async () => {
    const response = await chat(server, { route: "heavy:m", messages: fresh(), headers: { "x-lip-a-leg-id": "a_not-hex" } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe("X-LIP-A-Leg-Id");
  });
});
