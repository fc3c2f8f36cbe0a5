/**
 * The upstream answers the matrix scripts, provider-neutral (the emulators' `Turn`), named so a
 * backend without a wire (local-stub) can map each one to a configured entry. A backend adapter
 * may override a step where its provider differs (Responses reasoning is a summary plus
 * encrypted_content; Gemini issues no call ids).
 */
import type { Step, StreamFaults, Turn } from "../emulators/harness.ts";

export type StepName =
  | "text"
  | "tools"
  | "toolsAnswer"
  | "reasoning"
  | "reasoningAnswer"
  | "image"
  | "usage"
  | "length"
  | "filter"
  | "fail"
  | "break";

/** A 1×1 PNG. */
export const pixel = { mediaType: "image/png", data: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==" };

export const breakText = ["partial ", "answer ", "never finished"];

export const turns: Record<Exclude<StepName, "fail" | "break">, Turn> = {
  text: { text: ["Hello", ", ", "world"], usage: { input: 12, output: 3 } },
  tools: {
    text: "Checking both.",
    toolCalls: [
      { id: "call_weather_1", name: "get_weather", arguments: ['{"city":', '"Paris"}'] },
      { id: "call_time_2", name: "get_time", arguments: '{"zone":"CET"}' },
    ],
    usage: { input: 40, output: 22 },
  },
  toolsAnswer: { text: "Sunny in Paris, noon in CET.", usage: { input: 60, output: 8 } },
  reasoning: { reasoning: { text: ["Two plus ", "two is four."], signature: "sig-matrix-reasoning" }, text: "The answer is 4.", usage: { input: 20, output: 30 } },
  reasoningAnswer: { text: "Still 4.", usage: { input: 50, output: 4 } },
  image: { text: "A single red pixel.", usage: { input: 90, output: 5 } },
  usage: { text: "Counted.", usage: { input: 1250, output: 300, cached: 1000 } },
  length: { text: "This answer was cut sh", finish: "length", usage: { input: 10, output: 16 } },
  filter: { text: "I can", finish: "content_filter", usage: { input: 10, output: 2 } },
};

/** The steps every emulator-backed adapter scripts; `breakFault` is where that wire's stream is cut. */
export function defaultSteps(breakFault: StreamFaults): Record<StepName, Step> {
  const replies = Object.fromEntries(Object.entries(turns).map(([name, turn]) => [name, { reply: turn }])) as Record<keyof typeof turns, Step>;
  return {
    ...replies,
    fail: { error: { status: 503, message: "scripted outage before any output" } },
    break: { reply: { text: breakText, usage: { input: 10, output: 6 } }, ...breakFault },
  };
}

export const fallbackText = "Answered by the fallback backend.";
