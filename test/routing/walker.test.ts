import { describe, expect, test } from "bun:test";
import type { BackendInstance } from "../../src/core/codec.ts";
import { AffinityMemory } from "../../src/core/routing/affinity-memory.ts";
import { CircuitBreaker } from "../../src/core/routing/circuit-breaker.ts";
import { compilePlan } from "../../src/core/routing/route-plan.ts";
import { type RouteConversation, RouteWalker, type Step } from "../../src/core/routing/route-walker.ts";
import { parseSelector } from "../../src/core/routing/selector-parser.ts";

function backend(id: string): BackendInstance {
  return { id, kind: "local-stub", defaultModel: "d", models: () => [], stream: () => (async function* () {})() };
}

const backends = new Map(["a", "b", "c", "d", "t"].map((id) => [id, backend(id)]));
const lookup = { backend: (id: string) => backends.get(id), defaultBackend: () => backends.get("a") };

function walker(selector: string, conversation: Partial<RouteConversation> = {}, extra: { breaker?: CircuitBreaker; affinity?: AffinityMemory; random?: () => number; tokens?: number } = {}): RouteWalker {
  return new RouteWalker({
    plan: compilePlan(parseSelector(selector), "header", lookup),
    conversation: { aLegId: "a_1", firstTurn: false, routeState: {}, ...conversation },
    breaker: extra.breaker ?? new CircuitBreaker({ enabled: false, failureThreshold: 1, openForMs: 1000 }),
    affinity: extra.affinity ?? new AffinityMemory(),
    contextTokens: () => extra.tokens ?? 100,
    ...(extra.random && { random: extra.random }),
  });
}

const key = (step: Step | undefined) => (step === undefined ? "none" : step.type === "single" ? step.candidate.key : step.legs.map((leg) => leg.key).join("!"));

/** Walk to exhaustion, failing every step. */
function walkAll(route: RouteWalker): string[] {
  const seen: string[] = [];
  for (let step = route.next(); step; step = route.next()) {
    seen.push(key(step));
    route.exclude(step.type === "single" ? [step.candidate] : step.legs);
  }
  return seen;
}

describe("route walker", () => {
  test("failover arms in order; a failed candidate is skipped when it reappears", () => {
    expect(walkAll(walker("a:m|b:m|a:m|c:m"))).toEqual(["a:m", "b:m", "c:m"]);
  });

  test("a weighted group is re-rolled among its remaining branches before the next arm", () => {
    const seen = walkAll(walker("a:m^b:m^c:m|d:m"));
    expect(seen.slice(0, 3).sort()).toEqual(["a:m", "b:m", "c:m"]);
    expect(seen[3]).toBe("d:m");
  });

  test("weights split traffic in proportion (seeded, 10,000 picks within 2%)", () => {
    let state = 42;
    const random = () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const counts: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) {
      const picked = key(walker("[weight=3]a:m^[weight=1]b:m", {}, { random }).next());
      counts[picked] = (counts[picked] ?? 0) + 1;
    }
    expect(Math.abs(counts["a:m"]! / 10_000 - 0.75)).toBeLessThan(0.02);
  });

  test("[first] is used on an A-leg's first turn, weights afterwards", () => {
    expect(key(walker("[weight=100]a:m^[first]b:m", { firstTurn: true }, { random: () => 0 }).next())).toBe("b:m");
    expect(key(walker("[weight=100]a:m^[first]b:m", { firstTurn: false }, { random: () => 0 }).next())).toBe("a:m");
  });

  test("[first] that fails on the first turn falls back to the weighted pick", () => {
    const route = walker("[first]a:m^b:m", { firstTurn: true }, { random: () => 0 });
    const first = route.next()!;
    expect(key(first)).toBe("a:m");
    if (first.type !== "single") throw new Error("expected a single candidate");
    route.exclude([first.candidate]);
    expect(key(route.next())).toBe("b:m");
  });

  test("thinker cycle: other branches by weight, then the thinker, cursor kept on the A-leg", () => {
    const conversation: RouteConversation = { aLegId: "a_1", firstTurn: false, routeState: {} };
    const turns: string[] = [];
    for (let turn = 0; turn < 6; turn++) {
      const route = walker("[thinker]t:m^[weight=2]a:m", conversation);
      turns.push(key(route.next()));
      route.committed();
    }
    expect(turns).toEqual(["a:m", "a:m", "t:m", "a:m", "a:m", "t:m"]);
  });

  test("thinker hybrid: the executor branch is a race", () => {
    const route = walker("[thinker]t:m^a:m!b:m");
    const step = route.next()!;
    expect(step.type).toBe("race");
    expect(key(step)).toBe("a:m!b:m");
  });

  test("session affinity keeps a conversation on the branch it got", () => {
    const affinity = new AffinityMemory();
    let roll = 0.1;
    const picks: string[] = [];
    for (let turn = 0; turn < 4; turn++) {
      const route = walker("{affinity=session}a:m^b:m", { aLegId: "a_same" }, { affinity, random: () => roll });
      picks.push(key(route.next()));
      route.committed();
      roll = 0.9;
    }
    expect(picks).toEqual(["a:m", "a:m", "a:m", "a:m"]);
    const other = walker("{affinity=session}a:m^b:m", { aLegId: "a_other" }, { affinity, random: () => 0.9 });
    expect(key(other.next())).toBe("b:m");
  });

  test("client affinity keys on the client identity", () => {
    const affinity = new AffinityMemory();
    const first = walker("{client_sticky}a:m^b:m", { aLegId: "a_1", clientKey: "key:1" }, { affinity, random: () => 0.9 });
    expect(key(first.next())).toBe("b:m");
    first.committed();
    expect(key(walker("{client_sticky}a:m^b:m", { aLegId: "a_2", clientKey: "key:1" }, { affinity, random: () => 0.1 }).next())).toBe("b:m");
    expect(key(walker("{client_sticky}a:m^b:m", { aLegId: "a_3", clientKey: "key:2" }, { affinity, random: () => 0.1 }).next())).toBe("a:m");
  });

  test("context bounds exclude candidates that cannot take the request", () => {
    const route = walker("[max_context=1K]a:m|[min_context=2K]b:m|c:m", {}, { tokens: 1500 });
    expect(walkAll(route)).toEqual(["c:m"]);
    expect([...route.skippedContext].sort()).toEqual(["a:m", "b:m"]);
  });

  test("backends with an open circuit are skipped and reported", () => {
    const breaker = new CircuitBreaker({ enabled: true, failureThreshold: 1, openForMs: 60_000 });
    breaker.recordFailure("a", "provider_degraded");
    const route = walker("a:m|b:m", {}, { breaker });
    expect(walkAll(route)).toEqual(["b:m"]);
    expect([...route.skippedOpen]).toEqual(["a:m"]);
  });
});

describe("circuit breaker", () => {
  test("closed → open at the threshold → half-open after open_for → one probe → closed or open again", () => {
    let now = 0;
    const breaker = new CircuitBreaker({ enabled: true, failureThreshold: 2, openForMs: 1000, now: () => now });
    breaker.recordFailure("x", "provider_degraded");
    expect(breaker.state("x")).toBe("closed");
    breaker.recordFailure("x", "global_rate_limit");
    expect(breaker.state("x")).toBe("open");
    expect(breaker.acquire("x")).toBe(false);
    now = 1000;
    expect(breaker.state("x")).toBe("half_open");
    expect(breaker.acquire("x")).toBe(true);
    expect(breaker.acquire("x")).toBe(false);
    breaker.recordFailure("x", "provider_degraded");
    expect(breaker.state("x")).toBe("open");
    now = 2500;
    expect(breaker.acquire("x")).toBe(true);
    breaker.recordSuccess("x");
    expect(breaker.state("x")).toBe("closed");
  });

  test("localized rate limits and client errors do not count; a success resets the count", () => {
    const breaker = new CircuitBreaker({ enabled: true, failureThreshold: 2, openForMs: 1000 });
    breaker.recordFailure("x", "localized_rate_limit");
    breaker.recordFailure("x", undefined);
    breaker.recordFailure("x", "provider_degraded");
    breaker.recordSuccess("x");
    breaker.recordFailure("x", "provider_degraded");
    expect(breaker.state("x")).toBe("closed");
  });

  test("a cancelled half-open probe frees the slot for the next request", () => {
    let now = 0;
    const breaker = new CircuitBreaker({ enabled: true, failureThreshold: 1, openForMs: 10, now: () => now });
    breaker.recordFailure("x", "provider_degraded");
    now = 10;
    expect(breaker.acquire("x")).toBe(true);
    breaker.recordNeutral("x");
    expect(breaker.acquire("x")).toBe(true);
  });
});
