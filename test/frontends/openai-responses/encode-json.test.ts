import { describe, expect, test } from "bun:test";
import { createCollector } from "../../../src/core/collect.ts";
import { decodeResponsesRequest } from "../../../src/frontends/openai-responses/decode.ts";
import { encodeResponsesResponse } from "../../../src/frontends/openai-responses/encode-response.ts";
import { encodeStream, fixture, minimalCall, parseSse, type StreamCase } from "./helpers.ts";
import { responseErrors } from "./spec-shapes.ts";

const cases = fixture<Record<string, StreamCase>>("stream-cases.json");

/** Item ids are minted per response; everything else must agree between the two encodings. */
function withoutMintedIds(items: Array<Record<string, unknown>>): unknown[] {
  return items.map(({ id, ...rest }) => (typeof id === "string" && id.startsWith("rs_native") ? { id, ...rest } : rest));
}

describe("non-streaming JSON", () => {
  for (const [name, streamCase] of Object.entries(cases)) {
    if (streamCase.status === "failed" || streamCase.streamOnly) continue;
    test(`${name}: the response object equals the stream's final response`, () => {
      const collector = createCollector();
      for (const event of streamCase.events) collector.add(event);
      const json = encodeResponsesResponse(collector.response, minimalCall({ stream: false })) as Record<string, any>;
      expect(responseErrors(json)).toEqual([]);
      const streamed = parseSse(encodeStream(streamCase.events)).at(-1)!.data.response;
      expect(json.status).toBe(streamCase.status);
      expect(json.id).toBe(streamed.id);
      expect(json.incomplete_details).toEqual(streamed.incomplete_details);
      expect(json.usage).toEqual(streamed.usage);
      expect(withoutMintedIds(json.output)).toEqual(withoutMintedIds(streamed.output));
    });
  }

  test("a finish reason of error is a failed response with an error object", () => {
    const collector = createCollector();
    collector.add({ type: "response_started", id: "up_x", model: "m", created: 1 });
    collector.add({ type: "message_started", role: "assistant" });
    collector.add({ type: "response_finished", finishReason: "error", rawFinishReason: "MALFORMED_FUNCTION_CALL" });
    const json = encodeResponsesResponse(collector.response, minimalCall()) as Record<string, any>;
    expect(json.status).toBe("failed");
    expect(json.error).toEqual({ code: "model_error", message: "the model stopped with an error (MALFORMED_FUNCTION_CALL)" });
    expect(json.completed_at).toBeNull();
  });

  test("request settings the schema has no value for echo as their defaults, so the response still parses", () => {
    const body = {
      model: "m",
      input: "hi",
      truncation: "bogus",
      top_logprobs: 2.5,
      max_tool_calls: 1.5,
      text: { verbosity: "loud" },
      reasoning: { effort: "minimal", summary: "auto" },
    };
    const collector = createCollector();
    collector.add({ type: "response_started", id: "up_x", model: "m", created: 1 });
    collector.add({ type: "text_delta", index: 0, text: "hi" });
    collector.add({ type: "response_finished", finishReason: "stop" });
    const json = encodeResponsesResponse(collector.response, decodeResponsesRequest(body)) as Record<string, any>;
    expect(responseErrors(json)).toEqual([]);
    expect(json).toMatchObject({ truncation: "disabled", top_logprobs: 0, max_tool_calls: null, text: { format: { type: "text" } }, reasoning: { effort: null, summary: "auto" } });
    expect(json.text.verbosity).toBeUndefined();
  });

  test("valid request settings echo as sent", () => {
    const body = { model: "m", input: "hi", truncation: "auto", top_logprobs: 3, max_tool_calls: 2, text: { verbosity: "low" }, reasoning: { effort: "xhigh" } };
    const collector = createCollector();
    collector.add({ type: "response_started", id: "up_x", model: "m", created: 1 });
    collector.add({ type: "response_finished", finishReason: "stop" });
    const json = encodeResponsesResponse(collector.response, decodeResponsesRequest(body)) as Record<string, any>;
    expect(responseErrors(json)).toEqual([]);
    expect(json).toMatchObject({ truncation: "auto", top_logprobs: 3, max_tool_calls: 2, text: { verbosity: "low" }, reasoning: { effort: "xhigh", summary: null } });
  });

  test("a fractional upstream created time is whole seconds in both encodings", () => {
    const events = [
      { type: "response_started", id: "up_x", model: "m", created: 1_700_000_000.75 },
      { type: "message_started", role: "assistant" },
      { type: "text_delta", index: 0, text: "hi" },
      { type: "response_finished", finishReason: "stop" },
    ] as const;
    const collector = createCollector();
    for (const event of events) collector.add(event);
    const json = encodeResponsesResponse(collector.response, minimalCall({ stream: false })) as Record<string, any>;
    const streamed = parseSse(encodeStream(events)).map((event) => event.data.response?.created_at).filter((value) => value !== undefined);
    expect([json.created_at, ...streamed]).toEqual([1_700_000_000, 1_700_000_000, 1_700_000_000, 1_700_000_000]);
  });
});
