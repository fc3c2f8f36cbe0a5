import { describe, expect, test } from "bun:test";
import { LipError } from "../../src/core/model/errors.ts";
import { parseSelector } from "../../src/core/routing/selector-parser.ts";

function rejects(selector: string, fragment: string, position?: number): void {
  let thrown: unknown;
  try {
    parseSelector(selector);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(LipError);
  const message = (thrown as LipError).message;
  expect(message.startsWith("invalid route selector: ")).toBe(true);
  expect(message).toContain(fragment);
  if (position !== undefined) expect(message).toEndWith(`at position ${position}`);
  expect((thrown as LipError).error.status).toBe(400);
}

describe("selector grammar: accepted forms", () => {
  test("failover arms left to right, model may hold '/' and ':'", () => {
    const selector = parseSelector(" openai:gpt-4o-mini | anthropic:claude-3-5-haiku|openrouter:meta/llama-3:free ");
    expect(selector.arms.map((arm) => (arm.type === "leaf" ? `${arm.leaf.backend}|${arm.leaf.model}` : arm.type))).toEqual([
      "openai|gpt-4o-mini",
      "anthropic|claude-3-5-haiku",
      "openrouter|meta/llama-3:free",
    ]);
  });

  test("model-only leaf has no backend", () => {
    const arm = parseSelector("gpt-4o").arms[0]!;
    expect(arm).toMatchObject({ type: "leaf", leaf: { model: "gpt-4o" } });
    expect(arm!.type === "leaf" && arm.leaf.backend).toBeUndefined();
  });

  test("weighted group with [weight] and [first]", () => {
    const arm = parseSelector("[weight=3]a:m1^[first][weight=1]b:m2").arms[0]!;
    expect(arm!.type).toBe("weighted");
    if (arm!.type !== "weighted") return;
    expect(arm.branches.map((branch) => [branch.weight, branch.first])).toEqual([
      [3, false],
      [1, true],
    ]);
  });

  test("global block and per-leaf ttft budgets", () => {
    const selector = parseSelector("{ttft_timeout=60, affinity=session}[ttft_timeout=2.5]a:m^b:m");
    expect(selector.global).toEqual({ ttftTimeoutMs: 60_000, affinity: "session" });
    const arm = selector.arms[0]!;
    expect(arm.type === "weighted" && arm.branches[0]!.target.type === "leaf" && arm.branches[0]!.target.leaf.ttftTimeoutMs).toBe(2500);
  });

  test("session_sticky and client_sticky set the affinity", () => {
    expect(parseSelector("{session_sticky}a:m").global.affinity).toBe("session");
    expect(parseSelector("{client_sticky,ttft_timeout=5}a:m").global).toEqual({ affinity: "client", ttftTimeoutMs: 5000 });
  });

  test("race with handicaps", () => {
    const arm = parseSelector("[handicap=10]a:m![handicap=5]b:m!c:m").arms[0]!;
    expect(arm!.type === "race" && arm.legs.map((leg) => leg.handicapMs ?? 0)).toEqual([10_000, 5000, 0]);
  });

  test("thinker hybrid: one [thinker] branch and one race", () => {
    const arm = parseSelector("[thinker]a:m^[handicap=10]b:m?temperature=0.3!c:m").arms[0]!;
    expect(arm!.type).toBe("weighted");
    if (arm!.type !== "weighted") return;
    expect(arm.branches[0]!.thinker).toBe(true);
    const race = arm.branches[1]!.target;
    expect(race.type === "race" && race.legs.map((leg) => [leg.backend, leg.handicapMs, leg.params.temperature])).toEqual([
      ["b", 10_000, 0.3],
      ["c", undefined, undefined],
    ]);
  });

  test("context bounds with K/M suffixes", () => {
    const arm = parseSelector("[min_context=8K][max_context=1.5M]a:m").arms[0]!;
    expect(arm!.type === "leaf" && [arm.leaf.minContext, arm.leaf.maxContext]).toEqual([8000, 1_500_000]);
  });

  test("route params are URL-decoded and typed", () => {
    const arm = parseSelector("openai:gpt-5?reasoning_effort=high&max_tokens=512&top_p=0.5&parallel_tool_calls=false&verbosity=low&temperature=%30.2").arms[0]!;
    expect(arm!.type === "leaf" && arm.leaf.params).toEqual({
      reasoningEffort: "high",
      maxOutputTokens: 512,
      topP: 0.5,
      parallelToolCalls: false,
      verbosity: "low",
      temperature: 0.2,
    });
  });

  test("race of 16 legs is the limit", () => {
    const legs = Array.from({ length: 16 }, (_, index) => `b${index}:m`).join("!");
    expect(parseSelector(legs).arms[0]!.type).toBe("race");
  });
});

describe("selector grammar: every error names the problem and its position", () => {
  const cases: Array<[string, string, number?]> = [
    ["", "empty selector", 0],
    ["   ", "empty selector", 0],
    ["a:m||b:m", "empty failover arm", 4],
    ["a:m|", "empty failover arm", 4],
    ["a:m^^b:m", "empty weighted branch", 4],
    ["a:m!!b:m", "empty race leg", 4],
    ["a:", "missing model", 2],
    [":m", "missing backend", 0],
    ["[first]", "missing backend:model", 7],
    ["[weight=2", "unclosed annotation", 0],
    ["a:m^[first", "unclosed annotation", 4],
    ["[]a:m", "empty annotation", 0],
    ["[weight=2][weight=3]a:m^b:m", "duplicate annotation [weight]", 10],
    ["[colour=red]a:m", "unknown annotation [colour]", 0],
    ["[weight=0]a:m^b:m", "'weight' must be 1 to", 0],
    ["[weight=x]a:m^b:m", "'weight' needs a positive whole number", 0],
    ["[ttft_timeout=-1]a:m", "'ttft_timeout' needs a number of seconds", 0],
    ["[ttft_timeout=0]a:m", "'ttft_timeout' must be above 0", 0],
    ["[max_context=lots]a:m", "'max_context' needs a token count", 0],
    ["[first=1]a:m^b:m", "[first] takes no value", 0],
    ["[weight]a:m^b:m", "[weight] needs a value", 0],
    ["[weight=2]a:m", "[weight] is not allowed on a lone leaf", 0],
    ["[handicap=3]a:m", "[handicap] is not allowed on a lone leaf", 0],
    ["[handicap=3]a:m^b:m", "[handicap] is not allowed on a weighted branch", 0],
    ["[weight=2]a:m!b:m", "[weight] is not allowed on a race leg", 0],
    ["a:m![first]b:m", "[first] is not allowed on a race leg", 4],
    ["a:m^b:m!c:m", "'!' does not mix with '^'", 4],
    ["[thinker]a:m^b:m^c:m!d:m", "'!' does not mix with '^'", 17],
    ["[first]a:m^[first]b:m", "more than one [first]", 11],
    ["[thinker]a:m^[thinker]b:m", "more than one [thinker]", 13],
    ["[thinker]a:m^[thinker]b:m!c:m", "[thinker] is not allowed on a race leg", 13],
    ["a:m[first]", "annotations must come before backend:model", 3],
    ["{ttft_timeout=5}", "missing route after the global block", 16],
    ["{ttft_timeout=5", "unclosed global block", 0],
    ["{}a:m", "empty global block", 0],
    ["{speed=fast}a:m", "unknown global option 'speed'", 1],
    ["{ttft_timeout=1,ttft_timeout=2}a:m", "duplicate global option", 16],
    ["{affinity=team}a:m", "affinity must be session or client", 1],
    ["{session_sticky,affinity=client}a:m", "conflicting affinity", 16],
    ["a:m|{ttft_timeout=1}b:m", "global block {...} must come first", 4],
    ["a:m]", "']' without '['", 3],
    ["[we[ight=1]a:m", "'[' inside an annotation", 3],
    ["a:m?", "empty route params", 4],
    ["a:m?temp=1", "unknown route param 'temp'", 4],
    ["a:m?temperature=hot", "route param 'temperature' must be a number", 4],
    ["a:m?temperature=1&temperature=2", "duplicate route param", 18],
    ["a:m?max_tokens=1&max_output_tokens=2", "duplicate route param", 17],
    ["a:m?reasoning_effort=huge", "reasoning_effort", 4],
    ["a:m?x=%zz", "bad percent-encoding", 4],
    ["a: m x", "whitespace inside backend:model", 2],
    ["[min_context=2M][max_context=1M]a:m", "min_context is above max_context", 0],
  ];
  for (const [selector, fragment, position] of cases) {
    test(JSON.stringify(selector), () => rejects(selector, fragment, position));
  }

  test("more than 16 race legs", () => {
    rejects(Array.from({ length: 17 }, (_, index) => `b${index}:m`).join("!"), "at most 16 legs", 0);
  });
});

describe("selector parser never throws anything but its own error", () => {
  const alphabet = ["a", "b", ":", "m", "|", "^", "!", "[", "]", "{", "}", "=", ",", "?", "&", "%", " ", "1", ".", "K", "weight", "first", "thinker", "handicap", "ttft_timeout", "min_context", "max_context", "affinity", "session", "temperature", "\u00e9", "\u0000", "/"];

  // A small seeded generator keeps failures reproducible.
  function generator(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }

  test("20,000 random selectors built from grammar tokens", () => {
    const random = generator(20_260_101);
    let accepted = 0;
    for (let round = 0; round < 20_000; round++) {
      const length = 1 + Math.floor(random() * 24);
      let text = "";
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      try {
        parseSelector(text);
        accepted++;
      } catch (thrown) {
        if (!(thrown instanceof LipError) || !thrown.message.startsWith("invalid route selector: ") || !/at position \d+$/.test(thrown.message)) {
          throw new Error(`unexpected failure for ${JSON.stringify(text)}: ${String(thrown)}`);
        }
      }
    }
    expect(accepted).toBeGreaterThan(0);
  });

  test("random bytes, including lone surrogates", () => {
    const random = generator(7);
    for (let round = 0; round < 5000; round++) {
      const length = Math.floor(random() * 40);
      const text = String.fromCharCode(...Array.from({ length }, () => Math.floor(random() * 0xffff)));
      try {
        parseSelector(text);
      } catch (thrown) {
        if (!(thrown instanceof LipError) || !thrown.message.startsWith("invalid route selector: ")) throw new Error(`unexpected failure for ${JSON.stringify(text)}: ${String(thrown)}`);
      }
    }
  });

  test("very long input is refused, not parsed for ever", () => {
    rejects("a:m|".repeat(5000) + "a:m", "longer than 8192");
  });
});
