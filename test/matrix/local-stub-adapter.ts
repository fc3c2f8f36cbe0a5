/**
 * local-stub in the matrix: it has no wire, so each named step is a configured entry (the same
 * Turn translated to its knobs), and its `echo_call` answer — the canonical call it received —
 * is the read-back of what arrived.
 */
import { deltasOf, joined, type Step, type Turn } from "../emulators/harness.ts";
import type { BackendAdapter, BackendEntry } from "./backend-adapters.ts";
import { defaultSteps, fallbackText, type StepName } from "./turns.ts";
import { readStubEcho } from "./upstream-readers.ts";

/** Steps whose answer is the stub's echo of the call: the read-back of what arrived. */
const echoSteps: ReadonlySet<StepName> = new Set(["toolsAnswer", "reasoningAnswer", "image"]);

function stubKnobs(step: StepName, scripted: Step): Record<string, unknown> {
  if (echoSteps.has(step)) return { echo_call: true };
  if ("error" in scripted) return { fail_status: scripted.error.status };
  const turn = scripted.reply;
  const texts = deltasOf(turn.text);
  return {
    text: texts.join(""),
    chunks: Math.max(1, texts.length),
    ...(turn.reasoning?.text !== undefined && { reasoning_text: joined(turn.reasoning.text) }),
    ...(turn.toolCalls && { tool_calls: turn.toolCalls.map((call) => ({ name: call.name, args: joined(call.arguments) })) }),
    ...(turn.usage && { input_tokens: turn.usage.input, output_tokens: turn.usage.output }),
    ...(turn.finish && turn.finish !== "tool_calls" && { finish_reason: turn.finish }),
    ...(step === "break" && { stream_error_after_text_delta: true }),
  };
}

export function localStub(): BackendAdapter {
  const steps = defaultSteps({});
  const names = Object.keys(steps) as StepName[];
  const selector = (step: StepName) => `local-stub-${step}:stub`;
  const turnOf = (step: StepName): Turn => {
    const scripted = steps[step];
    if (!("reply" in scripted)) return {};
    // The stub mints its own call ids.
    return { ...scripted.reply, ...(scripted.reply.toolCalls && { toolCalls: scripted.reply.toolCalls.map(({ id: _id, ...call }) => call) }) };
  };
  return {
    kind: "local-stub",
    start: async () => {},
    stop: async () => {},
    entries: () => names.map((step) => ({ id: `local-stub-${step}`, kind: "local-stub", ...stubKnobs(step, steps[step]) })),
    models: () => ({}),
    selector,
    route: selector,
    turn: turnOf,
    answerText: (step) => (echoSteps.has(step) ? undefined : joined(turnOf(step).text)),
    upstream: (result) => readStubEcho(result.text),
    // The stub reports input and output only.
    reportsCache: false,
    reasoningToken: () => "stub-signature",
  };
}

/** The entry failover lands on. */
export const fallbackEntry: BackendEntry = { id: "matrix-fallback", kind: "local-stub", text: fallbackText };
