import { describe, expect, test } from "bun:test";
import { encodeStream, parseSse } from "./helpers.ts";
import { eventErrors, responseErrors } from "./spec-shapes.ts";
import { streamOrderErrors } from "./stream-order.ts";

/** The checkers the compliance test relies on must reject what the published schemas reject. */
type Json = Record<string, any>;

const textStream = encodeStream([
  { type: "response_started", id: "up_1", model: "m", created: 1 },
  { type: "message_started", role: "assistant" },
  { type: "text_delta", index: 0, text: "Hi" },
  { type: "usage", usage: { inputTokens: 3, outputTokens: 1 } },
  { type: "response_finished", finishReason: "stop" },
]);
const events = parseSse(textStream).map((event) => event.data);
const completed = events.at(-1)!.response as Json;

function without(object: Json, key: string): Json {
  const { [key]: _removed, ...rest } = object;
  return rest;
}

describe("ResponseResource checker", () => {
  test("accepts lipstd's completed response", () => {
    expect(responseErrors(completed)).toEqual([]);
  });

  const broken: Array<[string, Json, string]> = [
    ["a required nullable field left out", without(completed, "completed_at"), "response.completed_at: required"],
    ["a truncation outside the enum", { ...completed, truncation: "none" }, "response.truncation: expected 'auto' | 'disabled'"],
    ["usage without its details", { ...completed, usage: without(completed.usage, "output_tokens_details") }, "response.usage.output_tokens_details: required"],
    ["a float where an integer belongs", { ...completed, top_logprobs: 0.5 }, "response.top_logprobs: expected integer"],
    ["a tool without strict", { ...completed, tools: [{ type: "function", name: "f", description: null, parameters: {} }] }, "response.tools[0].strict: required"],
    ["output text without annotations", { ...completed, output: [{ ...completed.output[0], content: [{ type: "output_text", text: "x", logprobs: [] }] }] }, "response.output[0].content[0].annotations: required"],
    ["an item status outside the enum", { ...completed, output: [{ ...completed.output[0], status: "done" }] }, "response.output[0].status: expected"],
    ["encrypted_content null instead of absent", { ...completed, output: [{ type: "reasoning", id: "rs_1", summary: [], encrypted_content: null }] }, "response.output[0].encrypted_content: expected string"],
    ["an unknown output item", { ...completed, output: [{ type: "web_search_call", id: "ws_1" }] }, "response.output[0].type: expected one of"],
    ["reasoning.effort outside the enum", { ...completed, reasoning: { effort: "minimal", summary: null } }, "response.reasoning.effort: expected"],
  ];
  for (const [name, response, error] of broken) {
    test(`rejects ${name}`, () => {
      expect(responseErrors(response).join("\n")).toContain(error);
    });
  }
});

describe("streaming event checker", () => {
  test("accepts every event of lipstd's text stream", () => {
    expect(events.flatMap((event) => eventErrors(event))).toEqual([]);
  });

  test("rejects a missing sequence_number, an unknown type and an error without its payload fields", () => {
    const delta = events.find((event) => event.type === "response.output_text.delta")!;
    expect(eventErrors(without(delta, "sequence_number"))).toEqual(["response.output_text.delta.sequence_number: required"]);
    expect(eventErrors({ ...delta, type: "response.output_text.chunk" })[0]).toContain("expected one of");
    expect(eventErrors({ type: "error", sequence_number: 9, error: { message: "x", type: "server_error" } })).toEqual([
      "error.error.code: required",
      "error.error.param: required",
    ]);
  });
});

describe("stream order checker", () => {
  test("accepts lipstd's text stream", () => {
    expect(streamOrderErrors(events)).toEqual([]);
  });

  test("rejects repeated sequence numbers, a delta after its part is done and a stream with no terminal event", () => {
    const types = events.map((event) => event.type);
    const partDone = types.indexOf("response.content_part.done");
    const delta = events[types.indexOf("response.output_text.delta")]!;
    const reordered = [...events.slice(0, partDone + 1), { ...delta, sequence_number: 99 }, ...events.slice(partDone + 1, -1)];
    expect(streamOrderErrors(reordered)).toEqual([
      expect.stringContaining("[UNKNOWN_CONTENT_PART] response.output_text.delta"),
      expect.stringContaining("[NON_MONOTONIC_SEQUENCE]"),
      expect.stringContaining("[RESPONSE_NOT_TERMINATED]"),
    ]);
  });

  test("rejects completion before in_progress and an item that is never done", () => {
    const [created, , added] = events;
    expect(streamOrderErrors([created!, added!, { ...events.at(-1)!, sequence_number: 3 }])).toEqual([
      expect.stringContaining("[INVALID_RESPONSE_TRANSITION] 'response.completed' in response state 'created'"),
      expect.stringContaining("[RESPONSE_NOT_TERMINATED]"),
      expect.stringContaining("[ITEM_NOT_TERMINATED]"),
    ]);
  });
});
