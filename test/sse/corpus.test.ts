import { describe, expect, test } from "bun:test";
import type { SseEvent } from "../../src/sse/index.ts";
import { corpusFile, loadCorpus, parseWhole } from "./helpers.ts";

// Golden checks on the unsplit parse. The split tests compare against this parse,
// so it has to be right on its own.

type Json = Record<string, any>;
const json = (e: SseEvent): Json => JSON.parse(e.data) as Json;

describe("corpus: provider streams", () => {
  test("OpenAI Chat Completions: text, two parallel tool calls, usage, [DONE]", () => {
    const { events, comments, end } = parseWhole(corpusFile("openai-chat-tool-calls.txt"));
    expect(events).toHaveLength(26);
    expect(comments).toEqual([]);
    expect(end).toEqual({ truncated: false, pendingBytes: 0 });
    expect(events.every((e) => e.event === undefined && e.id === undefined && e.retry === undefined)).toBe(true);
    expect(events.at(-1)?.data).toBe("[DONE]");

    const chunks = events.slice(0, -1).map(json);
    let text = "";
    const calls = new Map<number, { id: string; name: string; args: string }>();
    for (const c of chunks) {
      const delta = c.choices[0]?.delta;
      if (delta?.content) text += delta.content;
      for (const tc of delta?.tool_calls ?? []) {
        const call = calls.get(tc.index) ?? { id: "", name: "", args: "" };
        if (tc.id) call.id = tc.id;
        if (tc.function?.name) call.name = tc.function.name;
        call.args += tc.function?.arguments ?? "";
        calls.set(tc.index, call);
      }
    }
    expect(text).toBe("I'll check the weather in both cities.");
    expect(calls.get(0)?.id).toBe("call_3Hc9XkQ2mWv8LzR1tYpN5bFe");
    expect(JSON.parse(calls.get(0)?.args ?? "")).toEqual({ location: "Paris, FR", unit: "celsius" });
    expect(calls.get(1)?.name).toBe("get_weather");
    expect(JSON.parse(calls.get(1)?.args ?? "")).toEqual({ location: "Tokyo, JP", unit: "celsius" });
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe("tool_calls");
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage.total_tokens).toBe(183);
  });

  test("OpenAI Responses: event names match payload types, sequence_number is gapless", () => {
    const { events, end } = parseWhole(corpusFile("openai-responses.txt"));
    expect(events).toHaveLength(18);
    expect(end.truncated).toBe(false);
    const payloads = events.map(json);
    events.forEach((e, i) => {
      expect(e.event).toBe(payloads[i]?.type);
      expect(payloads[i]?.sequence_number).toBe(i);
    });
    const deltas = payloads.filter((p) => p.type === "response.output_text.delta").map((p) => p.delta);
    const done = payloads.find((p) => p.type === "response.output_text.done");
    expect(deltas.join("")).toBe("Streaming keeps latency low: the first token arrives early.");
    expect(done?.text).toBe(deltas.join(""));
    expect(events.at(-1)?.event).toBe("response.completed");
    expect(payloads.at(-1)?.response.status).toBe("completed");
  });

  test("Anthropic Messages: ping, thinking + signature, text, input_json_delta, message_stop", () => {
    const { events, end } = parseWhole(corpusFile("anthropic-messages.txt"));
    expect(end.truncated).toBe(false);
    const payloads = events.map(json);
    events.forEach((e, i) => expect(e.event).toBe(payloads[i]?.type));
    expect(events.map((e) => e.event).slice(0, 4)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
    ]);
    expect(events[2]?.data).toBe('{"type": "ping"}');
    const deltas = payloads.filter((p) => p.type === "content_block_delta").map((p) => p.delta);
    const of = (t: string, k: string): string =>
      deltas.filter((d) => d.type === t).map((d) => d[k]).join("");
    expect(of("thinking_delta", "thinking")).toBe(
      "The user wants the weather in San Francisco. I should call get_weather with the location.",
    );
    expect(of("signature_delta", "signature")).toStartWith("EqQBCgIYAhIM");
    expect(of("text_delta", "text")).toBe("I'll look up the current weather for you.");
    expect(JSON.parse(of("input_json_delta", "partial_json"))).toEqual({
      location: "San Francisco, CA",
      unit: "fahrenheit",
    });
    expect(payloads.at(-2)?.delta.stop_reason).toBe("tool_use");
    expect(events.map((e) => e.event).slice(-2)).toEqual(["message_delta", "message_stop"]);
  });

  test("Gemini alt=sse: CRLF framing, whole responses, multi-byte UTF-8 intact", () => {
    const bytes = corpusFile("gemini-alt-sse.txt");
    expect(new TextDecoder().decode(bytes)).toContain("\r\n\r\n");
    const { events, end } = parseWhole(bytes);
    expect(end.truncated).toBe(false);
    expect(events).toHaveLength(3);
    const texts = events.map((e) => json(e).candidates[0].content.parts[0].text as string);
    expect(texts[0]).toBe("héllo 👋 日本");
    expect(texts.join("")).toBe("héllo 👋 日本語のテキスト — naïve café ✓ Ünïcödé 🇯🇵 done.");
    expect(json(events[2]!).candidates[0].finishReason).toBe("STOP");
  });
});

describe("corpus: synthetic streams", () => {
  const expected: SseEvent[] = [
    {
      event: "update",
      data: "first line\n leading space kept after one\n",
      id: "41",
      retry: 3000,
    },
    { event: undefined, data: "no-space", id: "41", retry: undefined },
    { event: undefined, data: "id cleared", id: "", retry: undefined },
    { event: undefined, data: '{"n":1}', id: "", retry: undefined },
    { event: undefined, data: "id with NUL ignored", id: "", retry: undefined },
    { event: undefined, data: "unicode é 👋", id: "", retry: undefined },
  ];

  test("LF: comments, retry, id, multi-line data, field without colon, ignored fields", () => {
    const { events, comments, end } = parseWhole(corpusFile("synthetic-lf.txt"));
    expect(events).toEqual(expected);
    expect(comments).toEqual(["keepalive", "comment between events"]);
    expect(end).toEqual({ truncated: false, pendingBytes: 0 });
  });

  for (const name of ["synthetic-crlf.txt", "synthetic-cr.txt", "synthetic-bom.txt"]) {
    test(`${name} parses exactly like the LF version`, () => {
      const { events, comments } = parseWhole(corpusFile(name));
      expect(events).toEqual(expected);
      expect(comments).toEqual(["keepalive", "comment between events"]);
    });
  }

  test("CR-only and CRLF files really use those endings, BOM file starts with a BOM", () => {
    const cr = corpusFile("synthetic-cr.txt");
    expect(cr.includes(0x0a)).toBe(false);
    expect(cr.includes(0x0d)).toBe(true);
    const crlf = new TextDecoder().decode(corpusFile("synthetic-crlf.txt"));
    expect(crlf.replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
    expect([...corpusFile("synthetic-bom.txt").subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  test("multi-line data", () => {
    const { events } = parseWhole(corpusFile("synthetic-multiline.txt"));
    expect(events.map((e) => [e.event, e.data])).toEqual([
      ["doc", '{\n  "a": 1,\n  "b": ["x", "y"]\n}'],
      [undefined, "\n"],
      [undefined, "tail"],
    ]);
  });

  test("mixed line endings in one stream", () => {
    const { events, comments } = parseWhole(corpusFile("synthetic-mixed-endings.txt"));
    expect(events.map((e) => [e.event, e.data])).toEqual([
      [undefined, "a\nb\nc"],
      [undefined, "d"],
    ]);
    expect(comments).toEqual(["bye"]);
  });

  test("stream cut mid-event: complete events delivered, the cut one reported not dispatched", () => {
    const bytes = corpusFile("truncated-mid-event.txt");
    const { events, end } = parseWhole(bytes);
    expect(events.map((e) => e.data)).toEqual(["complete"]);
    const lastLine = bytes.length - (bytes.lastIndexOf(0x0a) + 1);
    expect(end).toEqual({ truncated: true, pendingBytes: lastLine });
  });

  test("every corpus file is covered by a golden test above", () => {
    expect(loadCorpus().map((f) => f.name)).toEqual([
      "anthropic-messages.txt",
      "gemini-alt-sse.txt",
      "openai-chat-tool-calls.txt",
      "openai-responses.txt",
      "synthetic-bom.txt",
      "synthetic-cr.txt",
      "synthetic-crlf.txt",
      "synthetic-lf.txt",
      "synthetic-mixed-endings.txt",
      "synthetic-multiline.txt",
      "truncated-mid-event.txt",
    ]);
  });
});
