import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { createCollector } from "../../../src/core/collect.ts";
import type { Part } from "../../../src/core/model/parts.ts";
import { decodeResponsesRequest } from "../../../src/frontends/openai-responses/decode.ts";
import { unwrapEnvelope } from "../../../src/frontends/openai-responses/reasoning-envelope.ts";
import { encodeStream, fixture, minimalCall, parseSse, type StreamCase } from "./helpers.ts";
import { eventErrors } from "./spec-shapes.ts";
import { streamOrderErrors } from "./stream-order.ts";

const cases = fixture<Record<string, StreamCase>>("stream-cases.json");

/** An OpenAI client whose every request is answered with the given SSE text. */
function replayClient(sse: string): OpenAI {
  return new OpenAI({
    apiKey: "test",
    baseURL: "http://127.0.0.1:9/v1",
    maxRetries: 0,
    fetch: async () => new Response(sse, { status: 200, headers: { "content-type": "text/event-stream" } }),
  });
}

function terminalOf(sse: string) {
  return parseSse(sse).at(-1)!.data;
}

describe("stream encoding: exact event sequences", () => {
  for (const [name, streamCase] of Object.entries(cases)) {
    describe(name, () => {
      const sse = encodeStream(streamCase.events);
      const events = parseSse(sse);

      test("event order matches the fixture", () => {
        expect(events.map((event) => event.data.type)).toEqual(streamCase.expected);
      });

      test("SSE event names equal data.type, sequence numbers count from 0 by 1", () => {
        events.forEach((event, i) => {
          expect(event.event).toBe(event.data.type);
          expect(event.data.sequence_number).toBe(i);
        });
      });

      test("every event has the OpenResponses required fields", () => {
        expect(events.flatMap((event) => eventErrors(event.data))).toEqual([]);
      });

      // A failure leaves the cut-off item open (see the failed fixtures): only finished streams are held to the order rules.
      if (streamCase.status !== "failed") {
        test("follows the OpenResponses stream-order rules", () => {
          expect(streamOrderErrors(events.map((event) => event.data))).toEqual([]);
        });
      }

      test("item events point at the item opened at their output_index", () => {
        const opened = new Map<number, { id: string; type: string }>();
        for (const { data } of events) {
          if (data.type === "response.output_item.added") {
            expect(opened.has(data.output_index)).toBe(false);
            expect(data.output_index).toBe(opened.size);
            opened.set(data.output_index, { id: data.item.id, type: data.item.type });
          } else if (data.type === "response.output_item.done") {
            expect(opened.get(data.output_index)).toEqual({ id: data.item.id, type: data.item.type });
          } else if ("item_id" in data) {
            expect(opened.get(data.output_index)?.id).toBe(data.item_id);
          }
        }
      });

      test("terminal status and final output", () => {
        const terminal = events.at(-1)!.data;
        const response = terminal.response ?? events.at(-1)!.data.response;
        const final = events.findLast((event) => event.data.response)!.data.response;
        expect(final.status).toBe(streamCase.status);
        if (streamCase.incompleteReason) expect(final.incomplete_details).toEqual({ reason: streamCase.incompleteReason });
        if (streamCase.status !== "failed") {
          const doneItems = events.filter((event) => event.data.type === "response.output_item.done").map((event) => event.data.item);
          expect(response.output).toEqual(doneItems);
        }
      });

      test("the openai SDK stream helper accepts it (or raises on failure)", async () => {
        const stream = replayClient(sse).responses.stream({ model: "m", input: "hi" });
        if (streamCase.status === "failed") {
          await expect(stream.finalResponse()).rejects.toThrow(OpenAI.APIError);
          return;
        }
        const response = await stream.finalResponse();
        expect(response.status as string).toBe(streamCase.status);
        const text = streamCase.events.flatMap((event) => (event.type === "text_delta" ? [event.text] : [])).join("");
        expect(response.output_text).toBe(text);
      });
    });
  }
});

describe("stream encoding: content of items", () => {
  test("usage maps to input/cached/output/reasoning/total tokens", () => {
    const response = terminalOf(encodeStream(cases.text!.events)).response;
    expect(response.usage).toEqual({
      input_tokens: 12,
      input_tokens_details: { cached_tokens: 8, cache_write_tokens: 0 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 16,
    });
    expect(response.id).toBe("resp_up_text");
    expect(response.model).toBe("model-a");
    expect(response.created_at).toBe(1795400000);
    expect(response.completed_at).toBeGreaterThan(0);
  });

  test("ids: resp_, msg_, fc_ (distinct from call_id), rs_", () => {
    const events = parseSse(encodeStream(cases["parallel-tool-calls"]!.events));
    const items = events.filter((event) => event.data.type === "response.output_item.done").map((event) => event.data.item);
    expect(items[0].id).toMatch(/^msg_/);
    expect(items[1]).toMatchObject({ type: "function_call", call_id: "call_weather_1", name: "get_weather", arguments: '{"city":"Paris"}', status: "completed" });
    expect(items[1].id).toMatch(/^fc_/);
    expect(items[2]).toMatchObject({ call_id: "call_time_2", arguments: "{}" });
    const thinking = parseSse(encodeStream(cases["thinking-with-foreign-signature"]!.events));
    expect(thinking.find((event) => event.data.type === "response.output_item.added")!.data.item.id).toMatch(/^rs_/);
  });

  test("a foreign signature is wrapped with the exact text it covers", () => {
    const events = parseSse(encodeStream(cases["thinking-with-foreign-signature"]!.events));
    const item = events.find((event) => event.data.type === "response.output_item.done")!.data.item;
    expect(item.content).toEqual([{ type: "reasoning_text", text: "The user wants a greeting." }]);
    expect(item.summary).toEqual([]);
    expect(unwrapEnvelope(item.encrypted_content)).toEqual({
      t: "The user wants a greeting.",
      k: "thinking",
      s: { dialect: "anthropic", value: "EqQBCkYIARgCIkB-signature" },
    });
  });

  test("a native encrypted_content passes through unwrapped, with the upstream item id", () => {
    const events = parseSse(encodeStream(cases["summary-with-native-encrypted-content"]!.events));
    const item = events.find((event) => event.data.type === "response.output_item.done")!.data.item;
    expect(item).toEqual({
      id: "rs_native_1",
      type: "reasoning",
      summary: [{ type: "summary_text", text: "**Planning** the answer." }],
      encrypted_content: "gAAAAABnativepayload==",
    });
  });

  test("a mid-stream error carries code and message in both error and response.failed", () => {
    const events = parseSse(encodeStream(cases["error-after-output"]!.events));
    const error = events.find((event) => event.data.type === "error")!.data;
    expect(error).toMatchObject({ code: "stream_broken", message: "upstream stream broken", param: null });
    expect(error.error).toEqual({ type: "server_error", code: "stream_broken", message: "upstream stream broken", param: null });
    const failed = events.at(-1)!.data.response;
    expect(failed.error).toEqual({ code: "stream_broken", message: "upstream stream broken" });
    expect(failed.output[0]).toMatchObject({ type: "message", status: "incomplete", content: [{ type: "output_text", text: "Partial" }] });
  });

  test("request settings are echoed in the response object", () => {
    const call = decodeResponsesRequest({
      model: "client-model",
      instructions: "Be terse.",
      input: "q",
      tools: [{ type: "function", name: "f", description: "does f", parameters: { type: "object" }, strict: true }],
      tool_choice: "required",
      temperature: 0.5,
      max_output_tokens: 99,
      reasoning: { effort: "low", summary: "concise" },
      text: { format: { type: "json_object" }, verbosity: "high" },
      metadata: { k: "v" },
      prompt_cache_key: "cache-1",
      service_tier: "flex",
      previous_response_id: "resp_previous",
      stream: true,
    });
    const created = parseSse(encodeStream(cases.text!.events, call))[0]!.data.response;
    expect(created).toMatchObject({
      // A kept response (store defaults to true) shows lipstd's own id, not the upstream's.
      id: call.continuation!.storeAs!,
      status: "in_progress",
      instructions: "Be terse.",
      tools: [{ type: "function", name: "f", description: "does f", parameters: { type: "object" }, strict: true }],
      tool_choice: "required",
      temperature: 0.5,
      max_output_tokens: 99,
      reasoning: { effort: "low", summary: "concise" },
      text: { format: { type: "json_object" }, verbosity: "high" },
      metadata: { k: "v" },
      prompt_cache_key: "cache-1",
      service_tier: "flex",
      store: true,
      previous_response_id: "resp_previous",
      output: [],
      usage: null,
    });
  });
});

describe("stream encoding: round trip through the client", () => {
  /** The canonical parts a backend produced, and what the next request decodes from the streamed output items. */
  function roundTrip(name: string): { produced: Part[]; replayed: Part[] } {
    const streamCase = cases[name]!;
    const collector = createCollector();
    for (const event of streamCase.events) collector.add(event);
    const output = terminalOf(encodeStream(streamCase.events, minimalCall())).response.output;
    const call = decodeResponsesRequest({ model: "m", input: [{ role: "user", content: "q" }, ...output] });
    return { produced: collector.response.parts, replayed: call.messages[1]!.parts };
  }

  const strip = (parts: Part[]) =>
    parts.map((part) => {
      if (part.type === "reasoning") return { type: part.type, text: part.text, kind: part.kind, signature: part.signature, opaque: part.opaque };
      if (part.type === "tool_call") return { type: part.type, id: part.id, name: part.name, arguments: part.arguments, signature: part.signature };
      if (part.type === "text") return { type: part.type, text: part.text };
      return part;
    });

  for (const name of ["thinking-with-foreign-signature", "summary-with-native-encrypted-content", "redacted-reasoning-only", "tool-call-with-signature", "parallel-tool-calls"]) {
    test(`${name}: replayed parts equal the produced parts, signatures included`, () => {
      const { produced, replayed } = roundTrip(name);
      expect(strip(replayed)).toEqual(strip(produced));
    });
  }
});
