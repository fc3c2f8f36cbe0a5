import { describe, expect, test } from "bun:test";
import { createCollector } from "../../../src/core/collect.ts";
import type { CanonicalCall } from "../../../src/core/model/call.ts";
import { checkEvents } from "../../../src/core/model/event-checker.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
import type { Part } from "../../../src/core/model/parts.ts";
import { encodeGeminiResponse } from "../../../src/frontends/gemini/encode-response.ts";
import { createGeminiStreamEncoder } from "../../../src/frontends/gemini/encode-stream.ts";
import { decode, fixtureJson, fixtureText, userText } from "./helpers.ts";

type Json = Record<string, any>;

function callWith(includeThoughts: boolean): CanonicalCall {
  return { model: "client-model", messages: [], tools: [], options: { reasoning: { includeThoughts } }, stream: true, sourceDialect: "gemini", extensions: {} };
}

function encodeStream(events: readonly CanonicalEvent[], options: { sse?: boolean; includeThoughts?: boolean } = {}): string {
  const query = options.sse === false ? "" : "?alt=sse";
  const encoder = createGeminiStreamEncoder(callWith(options.includeThoughts ?? true), { url: new URL(`http://127.0.0.1/v1beta/models/m:streamGenerateContent${query}`) });
  let out = "";
  for (const event of checkEvents(events)) out += encoder.encode(event);
  return out + encoder.end();
}

function sseChunks(text: string): Json[] {
  return text
    .split("\n\n")
    .filter((frame) => frame !== "")
    .map((frame) => {
      expect(frame.startsWith("data: ")).toBe(true);
      return JSON.parse(frame.slice("data: ".length));
    });
}

/** What a client that keeps every streamed part puts in its history. */
function historyParts(chunks: Json[]): Json[] {
  return chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []).filter((part: Json) => !(part.text === "" && !part.thoughtSignature));
}

/** Gemini CLI's history: thought parts dropped, adjacent plain text parts joined. */
function geminiCliHistoryParts(chunks: Json[]): Json[] {
  const parts: Json[] = [];
  for (const part of historyParts(chunks).filter((candidate) => !candidate.thought)) {
    const last = parts[parts.length - 1];
    if (last && typeof last.text === "string" && last.text !== "" && typeof part.text === "string" && !part.functionCall) last.text += part.text;
    else parts.push({ ...part });
  }
  return parts;
}

const events = (name: string) => fixtureJson<CanonicalEvent[]>(`${name}.events.json`);

describe("gemini stream encoding: fixtures", () => {
  for (const name of ["stream-gemini-tools", "stream-foreign-reasoning", "stream-error-after-text"]) {
    test(`${name}: exact SSE lines`, () => {
      expect(encodeStream(events(name))).toBe(fixtureText(`${name}.sse.txt`));
    });
    test(`${name}: the JSON-array stream is one valid JSON array of the same elements`, () => {
      const array = encodeStream(events(name), { sse: false });
      expect(array).toBe(fixtureText(`${name}.array.json`));
      expect(JSON.parse(array)).toEqual(sseChunks(fixtureText(`${name}.sse.txt`)));
    });
  }

  test("every SSE element is a whole GenerateContentResponse; usage and finish only on the last", () => {
    const chunks = sseChunks(encodeStream(events("stream-gemini-tools")));
    for (const chunk of chunks) {
      expect(chunk.candidates[0].index).toBe(0);
      expect(chunk.candidates[0].content.role).toBe("model");
      expect(chunk.responseId).toBe("resp_0001");
      expect(chunk.modelVersion).toBe("gemini-3-pro-preview");
    }
    const last = chunks[chunks.length - 1]!;
    expect(last.candidates[0].finishReason).toBe("STOP");
    expect(last.usageMetadata).toEqual({ promptTokenCount: 1200, candidatesTokenCount: 50, thoughtsTokenCount: 40, cachedContentTokenCount: 1000, totalTokenCount: 1290 });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usageMetadata === undefined && chunk.candidates[0].finishReason === undefined)).toBe(true);
  });

  test("a mid-stream error is a bare error element after the output; SSE has no terminator", () => {
    const sse = encodeStream(events("stream-error-after-text"));
    expect(sse.endsWith('data: {"error":{"code":502,"message":"upstream connection reset","status":"UNAVAILABLE"}}\n\n')).toBe(true);
    const array = JSON.parse(encodeStream(events("stream-error-after-text"), { sse: false }));
    expect(array[array.length - 1]).toEqual({ error: { code: 502, message: "upstream connection reset", status: "UNAVAILABLE" } });
  });
});

describe("gemini stream encoding: thoughts and signatures", () => {
  test("without includeThoughts thought text is withheld but the signed part is still sent", () => {
    const chunks = sseChunks(encodeStream(events("stream-gemini-tools"), { includeThoughts: false }));
    const thoughts = historyParts(chunks).filter((part) => part.thought);
    expect(thoughts).toEqual([{ text: "", thought: true, thoughtSignature: "CiQB-thought-signature" }]);
  });

  test("an unsigned reasoning block sends no empty thought part when thoughts are hidden", () => {
    const stream: CanonicalEvent[] = [
      { type: "response_started", id: "r", model: "m", created: 0 },
      { type: "message_started", role: "assistant" },
      { type: "reasoning_delta", index: 0, text: "hmm" },
      { type: "text_delta", index: 1, text: "hi" },
      { type: "response_finished", finishReason: "stop" },
    ];
    const parts = sseChunks(encodeStream(stream, { includeThoughts: false })).map((chunk) => chunk.candidates[0].content.parts);
    expect(parts).toEqual([[{ text: "hi" }], [{ text: "" }]]);
  });

  test("a Gemini stream read back as history restores every signature on its own part", () => {
    const chunks = sseChunks(encodeStream(events("stream-gemini-tools")));
    const call = decode({ contents: [userText("run the tests"), { role: "model", parts: historyParts(chunks) }] });
    expect(call.messages[1]!.parts).toEqual([
      { type: "reasoning", text: "**Planning the test run**\n\n", kind: "thinking" },
      { type: "reasoning", text: "I should run the test suite.", kind: "thinking", signature: { dialect: "gemini", value: "CiQB-thought-signature" } },
      { type: "text", text: "Running the " },
      { type: "text", text: "tests now." },
      { type: "tool_call", id: "call_run_1", name: "run_shell_command", arguments: '{"command":"npm test"}', signature: { dialect: "gemini", value: "CiQB-call-signature" } },
      { type: "tool_call", id: "call_read_2", name: "read_file", arguments: '{"absolute_path":"/home/dev/project/package.json"}' },
    ]);
  });

  const anthropicTurn: Part[] = [
    { type: "reasoning", text: "The user wants tests run. Use the shell.", kind: "thinking", signature: { dialect: "anthropic", value: "EqQBCkYIBxgC" } },
    { type: "text", text: "Let me run them." },
    { type: "tool_call", id: "toolu_01ABC", name: "run_shell_command", arguments: '{"command":"npm test"}' },
  ];

  test("foreign signed thinking comes back whole from a client that keeps thought parts", () => {
    const chunks = sseChunks(encodeStream(events("stream-foreign-reasoning")));
    const call = decode({ contents: [userText("run the tests"), { role: "model", parts: historyParts(chunks) }] });
    expect(call.messages[1]!.parts).toEqual(anthropicTurn);
  });

  test("foreign signed thinking comes back whole through Gemini CLI, which drops thought parts", () => {
    const chunks = sseChunks(encodeStream(events("stream-foreign-reasoning")));
    const parts = geminiCliHistoryParts(chunks);
    expect(parts.some((part) => part.thought)).toBe(false);
    const call = decode({ contents: [userText("run the tests"), { role: "model", parts }] });
    expect(call.messages[1]!.parts).toEqual(anthropicTurn);
  });

  test("an opaque reasoning payload (encrypted content) is delivered and restored with its item id", () => {
    const stream: CanonicalEvent[] = [
      { type: "response_started", id: "resp_x", model: "gpt-5", created: 0 },
      { type: "message_started", role: "assistant" },
      { type: "reasoning_delta", index: 0, text: "Summary.", kind: "summary", id: "rs_9" },
      { type: "reasoning_signature_delta", index: 0, opaque: { dialect: "openai-responses", value: "gAAAA" }, id: "rs_9" },
      { type: "tool_call_started", index: 1, id: "call_1", name: "f" },
      { type: "tool_call_finished", index: 1, arguments: "{}" },
      { type: "response_finished", finishReason: "tool_calls" },
    ];
    const chunks = sseChunks(encodeStream(stream));
    const expected: Part[] = [
      { type: "reasoning", text: "Summary.", kind: "summary", opaque: { dialect: "openai-responses", value: "gAAAA" }, id: "rs_9" },
      { type: "tool_call", id: "call_1", name: "f", arguments: "{}" },
    ];
    expect(decode({ contents: [userText("x"), { role: "model", parts: historyParts(chunks) }] }).messages[1]!.parts).toEqual(expected);
    expect(decode({ contents: [userText("x"), { role: "model", parts: geminiCliHistoryParts(chunks) }] }).messages[1]!.parts).toEqual(expected);
  });

  test("signature deltas that arrive in pieces are joined on one part", () => {
    const stream: CanonicalEvent[] = [
      { type: "response_started", id: "r", model: "m", created: 0 },
      { type: "message_started", role: "assistant" },
      { type: "reasoning_delta", index: 0, text: "t" },
      { type: "reasoning_signature_delta", index: 0, signature: { dialect: "gemini", value: "AB" } },
      { type: "reasoning_signature_delta", index: 0, signature: { dialect: "gemini", value: "CD" } },
      { type: "text_delta", index: 1, text: "x", signature: { dialect: "gemini", value: "EF" } },
      { type: "response_finished", finishReason: "stop" },
    ];
    const parts = historyParts(sseChunks(encodeStream(stream)));
    expect(parts).toEqual([{ text: "t", thought: true, thoughtSignature: "ABCD" }, { text: "x", thoughtSignature: "EF" }]);
  });
});

describe("gemini stream encoding: calls, finish reasons, framing", () => {
  const base: CanonicalEvent[] = [
    { type: "response_started", id: "r", model: "m", created: 0 },
    { type: "message_started", role: "assistant" },
  ];

  test("invalid argument JSON from a model is kept visible as _raw_arguments", () => {
    const stream: CanonicalEvent[] = [
      ...base,
      { type: "tool_call_started", index: 0, id: "c", name: "f" },
      { type: "tool_call_finished", index: 0, arguments: '{"a":' },
      { type: "response_finished", finishReason: "tool_calls" },
    ];
    expect(historyParts(sseChunks(encodeStream(stream)))[0]).toEqual({ functionCall: { name: "f", args: { _raw_arguments: '{"a":' }, id: "c" } });
  });

  const finish = (finishReason: CanonicalEvent & { type: "response_finished" }) =>
    sseChunks(encodeStream([...base, { type: "text_delta", index: 0, text: "x" }, finishReason])).pop()!.candidates[0].finishReason;

  test("finish reasons: length → MAX_TOKENS, filter → SAFETY, Gemini raw values pass through, others mapped", () => {
    expect(finish({ type: "response_finished", finishReason: "length" })).toBe("MAX_TOKENS");
    expect(finish({ type: "response_finished", finishReason: "content_filter" })).toBe("SAFETY");
    expect(finish({ type: "response_finished", finishReason: "content_filter", rawFinishReason: "RECITATION" })).toBe("RECITATION");
    expect(finish({ type: "response_finished", finishReason: "stop", rawFinishReason: "end_turn" })).toBe("STOP");
    expect(finish({ type: "response_finished", finishReason: "other" })).toBe("OTHER");
  });

  test("content types and keepalives follow the framing; an empty JSON-array stream is still valid JSON", () => {
    const sse = createGeminiStreamEncoder(callWith(true), { url: new URL("http://h/v1beta/models/m:streamGenerateContent?alt=sse") });
    const array = createGeminiStreamEncoder(callWith(true), { url: new URL("http://h/v1beta/models/m:streamGenerateContent") });
    expect(sse.contentType).toBe("text/event-stream");
    expect(array.contentType).toBe("application/json");
    // A bare comment line would glue itself to the next event in the Google SDK's parser: it must end with a blank line.
    expect(sse.keepalive()).toBe(": keepalive\n\n");
    expect(JSON.parse(`${array.keepalive()}${array.end()}`)).toEqual([]);
  });
});

describe("gemini JSON response", () => {
  test("one GenerateContentResponse with the whole content, signatures on their parts", () => {
    const collector = createCollector();
    for (const event of events("stream-gemini-tools")) collector.add(event);
    expect(encodeGeminiResponse(collector.response, callWith(true))).toEqual({
      candidates: [
        {
          content: {
            parts: [
              { text: "**Planning the test run**\n\nI should run the test suite.", thought: true, thoughtSignature: "CiQB-thought-signature" },
              { text: "Running the tests now." },
              { functionCall: { name: "run_shell_command", args: { command: "npm test" }, id: "call_run_1" }, thoughtSignature: "CiQB-call-signature" },
              { functionCall: { name: "read_file", args: { absolute_path: "/home/dev/project/package.json" }, id: "call_read_2" } },
            ],
            role: "model",
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 1200, candidatesTokenCount: 50, thoughtsTokenCount: 40, cachedContentTokenCount: 1000, totalTokenCount: 1290 },
      modelVersion: "gemini-3-pro-preview",
      responseId: "resp_0001",
    });
  });

  test("foreign reasoning is carried on the first call in the JSON form too", () => {
    const collector = createCollector();
    for (const event of events("stream-foreign-reasoning")) collector.add(event);
    const body = encodeGeminiResponse(collector.response, callWith(false)) as Json;
    const parts: Json[] = body.candidates[0].content.parts;
    expect(parts[0]).toMatchObject({ text: "", thought: true });
    const call = decode({ contents: [userText("x"), { role: "model", parts: parts.filter((part) => !part.thought) }] });
    expect(call.messages[1]!.parts[0]).toEqual({
      type: "reasoning",
      text: "The user wants tests run. Use the shell.",
      kind: "thinking",
      signature: { dialect: "anthropic", value: "EqQBCkYIBxgC" },
    });
  });
});
