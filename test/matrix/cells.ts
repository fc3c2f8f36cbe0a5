/**
 * The matrix scenarios: one definition each, run for every frontend × backend cell by
 * matrix.test.ts and by print-table.ts. Each asserts what a user of that client would notice.
 * A cell that a dialect or provider cannot support by design asserts the documented degradation
 * instead (see `degradation`), never nothing.
 */
import { expect } from "bun:test";
import { joined } from "../emulators/harness.ts";
import { type BackendAdapter, reasoningTextOf } from "./backend-adapters.ts";
import type { ClientResult, FrontendDriver } from "./frontend-drivers.ts";
import { breakText, fallbackText, pixel } from "./turns.ts";

export interface Cell {
  driver: FrontendDriver;
  backend: BackendAdapter;
}

export interface Scenario {
  name: string;
  run(cell: Cell): Promise<void>;
}

/** Chat Completions upstreams return reasoning as plain text with no signature, and accept none back. */
const chatUpstreamReasoning = "Chat Completions upstream: reasoning arrives as unsigned text and is not sent back (nothing to verify)";

/** Why a cell is degraded by design, or undefined when the full behaviour is asserted. */
export function degradation(kind: string, scenario: string): string | undefined {
  if (scenario === "reasoning round trip" && (kind === "openai-legacy" || kind === "openrouter")) return chatUpstreamReasoning;
  return undefined;
}

/** An answer that completed: no SDK error, no inconsistency the driver noticed. */
function completed(result: ClientResult): void {
  expect(result.problem).toBeUndefined();
  expect(result.error).toBeUndefined();
}

const toolOutputs: Record<string, string> = { get_weather: "sunny, 21 C", get_time: "12:00" };

function textScenario(stream: boolean): Scenario {
  return {
    name: stream ? "text stream" : "text JSON",
    async run({ driver, backend }) {
      const { result } = await driver.ask({ model: backend.route("text"), stream, prompt: "Say hello." });
      completed(result);
      expect(result.text).toBe(backend.answerText("text")!);
      expect(result.toolCalls).toEqual([]);
      expect(result.finish).toBe(driver.finishes.stop);
      // The answer has an id of its own, beyond the dialect's prefix (chatcmpl-, resp_, msg_).
      expect(result.id?.replace(/^(chatcmpl-|resp_|msg_)/, "")).toMatch(/^\S{4,}$/);
    },
  };
}

const toolRoundTrip: Scenario = {
  name: "parallel tool-call round trip",
  async run({ driver, backend }) {
    const turn = backend.turn("tools");
    const first = await driver.ask({ model: backend.route("tools"), stream: true, prompt: "Weather in Paris and the time in CET?", tools: true });
    completed(first.result);
    const scripted = turn.toolCalls ?? [];
    expect(first.result.toolCalls.map((call) => [call.name, call.arguments])).toEqual(scripted.map((call) => [call.name, JSON.parse(joined(call.arguments))]));
    expect(first.result.finish).toBe(driver.finishes.tool_calls);
    const results = Object.fromEntries(first.result.toolCalls.map((call) => [call.id || call.name, toolOutputs[call.name]!]));
    const second = await first.next({ model: backend.route("toolsAnswer"), stream: false, toolResults: results });
    completed(second.result);
    const answer = backend.answerText("toolsAnswer");
    if (answer !== undefined) expect(second.result.text).toBe(answer);
    const upstream = backend.upstream(second.result);
    // The provider gets its own call ids back (or, where it issued none, the ids the client saw), each answered by its result.
    const issued = scripted.every((call) => call.id) ? scripted.map((call) => call.id) : first.result.toolCalls.map((call) => call.id);
    expect(upstream.calls.map((call) => [call.id, call.name])).toEqual(issued.map((id, i) => [id, scripted[i]!.name]));
    expect(upstream.results.map((result) => [result.id, result.text])).toEqual(upstream.calls.map((call) => [call.id, toolOutputs[call.name]]));
    for (const [i, result] of upstream.results.entries()) if (result.name !== undefined) expect(result.name).toBe(upstream.calls[i]!.name);
    // A provider that signs its calls (Gemini) must get the signature back on the first call.
    if (turn.reasoning?.signature) expect(upstream.calls[0]!.signature).toBe(turn.reasoning.signature);
  },
};

const reasoningRoundTrip: Scenario = {
  name: "reasoning round trip",
  async run({ driver, backend }) {
    const turn = backend.turn("reasoning");
    const first = await driver.ask({ model: backend.route("reasoning"), stream: true, prompt: "What is 2 + 2?", reasoning: true });
    completed(first.result);
    expect(first.result.text).toBe(backend.answerText("reasoning")!);
    expect(first.result.reasoning.text).toBe(reasoningTextOf(turn));
    const second = await first.next({ model: backend.route("reasoningAnswer"), stream: false, prompt: "Are you sure?" });
    completed(second.result);
    const upstream = backend.upstream(second.result);
    expect(upstream.userText).toContain("Are you sure?");
    if (degradation(backend.kind, "reasoning round trip")) {
      // Documented degradation: the reasoning was shown, nothing signed exists, the next turn still works.
      expect(first.result.reasoning.carriedSignature).toBeUndefined();
      expect(upstream.reasoning).toEqual([]);
      return;
    }
    // The client holds an opaque value for the reasoning, and the issuing provider gets its token back unchanged,
    // with the text it covers (Gemini gets its streamed thought parts back as they came, the last one signed).
    expect(first.result.reasoning.carriedSignature).toBeString();
    const text = reasoningTextOf(turn);
    const signed = upstream.reasoning.filter((entry) => entry.signature !== undefined);
    expect(signed.map((entry) => entry.signature)).toEqual([backend.reasoningToken()!]);
    expect(upstream.reasoning.map((entry) => entry.text).join("")).toBe(text);
    if (!backend.partSignatures) expect(upstream.reasoning).toEqual([{ text, signature: backend.reasoningToken()! }]);
  },
};

const imageInput: Scenario = {
  name: "image input",
  async run({ driver, backend }) {
    const { result } = await driver.ask({ model: backend.route("image"), stream: false, prompt: "What is in this image?", image: pixel });
    completed(result);
    const answer = backend.answerText("image");
    if (answer !== undefined) expect(result.text).toBe(answer);
    const upstream = backend.upstream(result);
    expect(upstream.userText).toContain("What is in this image?");
    expect(upstream.images.map((image) => image.mediaType)).toEqual([pixel.mediaType]);
    // local-stub's echo names the image without its bytes; every wire carries the bytes.
    if (backend.kind !== "local-stub") expect(upstream.images[0]!.data).toBe(pixel.data);
  },
};

const usageMapping: Scenario = {
  name: "usage mapping",
  async run({ driver, backend }) {
    const usage = backend.turn("usage").usage!;
    const cached = backend.reportsCache ? (usage.cached ?? 0) : 0;
    for (const stream of [true, false]) {
      const { result } = await driver.ask({ model: backend.route("usage"), stream, prompt: "Count my tokens." });
      completed(result);
      // Normalised by each driver with dialects.md §6 arithmetic: input includes cache reads.
      expect(result.usage).toMatchObject({ input: usage.input, output: usage.output, cached });
      if (result.usage?.total !== undefined) expect(result.usage.total).toBe(usage.input + usage.output);
    }
  },
};

const stopReasons: Scenario = {
  name: "stop-reason mapping",
  async run({ driver, backend }) {
    for (const [step, finish, stream] of [["length", "length", true], ["filter", "content_filter", false]] as const) {
      const { result } = await driver.ask({ model: backend.route(step), stream, prompt: "Go on." });
      completed(result);
      expect(result.text).toBe(backend.answerText(step)!);
      expect(result.finish).toBe(driver.finishes[finish]);
    }
  },
};

const preOutputFailure: Scenario = {
  name: "pre-output failure",
  async run({ driver, backend }) {
    const before = backend.requestCount?.();
    const failed = await driver.ask({ model: backend.route("fail"), stream: true, prompt: "Hello?" });
    expect(failed.result.error).toMatchObject({ typed: true, status: 503 });
    expect(failed.result.text).toBe("");
    // With a fallback configured (model alias `failover-<kind>` → `<backend>|matrix-fallback`), the client never sees the outage.
    backend.route("fail");
    const rescued = await driver.ask({ model: `failover-${backend.kind}`, stream: true, prompt: "Hello?" });
    completed(rescued.result);
    expect(rescued.result.text).toBe(fallbackText);
    if (before !== undefined) expect(backend.requestCount!()).toBe(before + 2);
  },
};

const postOutputBreak: Scenario = {
  name: "post-output break",
  async run({ driver, backend }) {
    const { result } = await driver.ask({ model: backend.route("break"), stream: true, prompt: "Tell me more." });
    // The SDK's stream threw: a client never mistakes the cut answer for a complete one.
    expect(result.error).toBeDefined();
    expect(result.text.length).toBeGreaterThan(0);
    expect(breakText.join("").startsWith(result.text)).toBe(true);
    expect(result.text.length).toBeLessThan(breakText.join("").length);
  },
};

export const scenarios: readonly Scenario[] = [
  textScenario(true),
  textScenario(false),
  toolRoundTrip,
  reasoningRoundTrip,
  imageInput,
  usageMapping,
  stopReasons,
  preOutputFailure,
  postOutputBreak,
];
