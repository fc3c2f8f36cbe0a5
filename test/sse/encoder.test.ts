import { describe, expect, test } from "bun:test";
import {
  encodeSseComment,
  encodeSseData,
  encodeSseEvent,
  SSE_DONE,
  SSE_KEEPALIVE,
  type SseEvent,
  type SseOutgoingEvent,
} from "../../src/sse/index.ts";
import { corpusFile, loadCorpus, parseChunks, parseWhole } from "./helpers.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("encodeSseEvent", () => {
  test("writes event, id, retry, data in that order", () => {
    expect(text(encodeSseEvent({ event: "delta", id: "9", retry: 1000, data: "{}" }))).toBe(
      "event: delta\nid: 9\nretry: 1000\ndata: {}\n\n",
    );
    expect(text(encodeSseEvent({ data: "x" }))).toBe("data: x\n\n");
  });

  test("splits data on every kind of line terminator", () => {
    expect(text(encodeSseEvent({ data: "a\nb\r\nc\rd" }))).toBe("data: a\ndata: b\ndata: c\ndata: d\n\n");
    expect(text(encodeSseEvent({ data: "end\n" }))).toBe("data: end\ndata: \n\n");
    expect(text(encodeSseEvent({ data: "" }))).toBe("data: \n\n");
  });

  test("rejects line breaks in event and id, which would inject fields", () => {
    for (const bad of ["a\nb", "a\rb", "a\r\nb", "\n"]) {
      expect(() => encodeSseEvent({ event: bad, data: "x" })).toThrow(TypeError);
      expect(() => encodeSseEvent({ id: bad, data: "x" })).toThrow(TypeError);
    }
  });

  test("rejects NUL in id and a retry that is not a non-negative integer", () => {
    expect(() => encodeSseEvent({ id: "a\0b", data: "x" })).toThrow(TypeError);
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => encodeSseEvent({ retry: bad, data: "x" })).toThrow(TypeError);
    }
  });
});

describe("encodeSseData", () => {
  test("single-line JSON fast path", () => {
    const json = JSON.stringify({ text: "line\nbreak é" });
    expect(text(encodeSseData(json))).toBe(`data: ${json}\n\n`);
  });

  test("input with raw line breaks is still framed safely", () => {
    const pretty = JSON.stringify({ a: 1 }, null, 2);
    expect(text(encodeSseData(pretty))).toBe('data: {\ndata:   "a": 1\ndata: }\n\n');
    expect(parseWhole(encodeSseData(pretty)).events.map((e) => e.data)).toEqual([pretty]);
    expect(parseWhole(encodeSseData("a\rb")).events.map((e) => e.data)).toEqual(["a\nb"]);
  });
});

describe("comments and constants", () => {
  test("encodeSseComment writes one comment line per line", () => {
    expect(text(encodeSseComment("keepalive"))).toBe(": keepalive\n");
    expect(text(encodeSseComment("a\r\nb"))).toBe(": a\n: b\n");
    const { events, comments } = parseWhole(encodeSseComment("a\nb"));
    expect(events).toEqual([]);
    expect(comments).toEqual(["a", "b"]);
  });

  test("a comment between data lines does not split the event", () => {
    const bytes = concat([new TextEncoder().encode("data: a\n"), SSE_KEEPALIVE, new TextEncoder().encode("data: b\n\n")]);
    expect(parseWhole(bytes).events.map((e) => e.data)).toEqual(["a\nb"]);
  });

  test("SSE_DONE and SSE_KEEPALIVE", () => {
    expect(text(SSE_DONE)).toBe("data: [DONE]\n\n");
    expect(parseWhole(SSE_DONE).events.map((e) => e.data)).toEqual(["[DONE]"]);
    expect(parseWhole(SSE_KEEPALIVE).comments).toEqual(["keepalive"]);
  });
});

describe("round trip encode → parse", () => {
  const outgoing: SseOutgoingEvent[] = [
    { data: "plain" },
    { event: "content_block_delta", data: '{"delta":"héllo 👋 日本"}', id: "1" },
    { data: "" },
    { data: " leading space" },
    { data: "  two leading spaces" },
    { data: "multi\nline\n\ndata" },
    { event: " spaced", data: "x", id: "" },
    { data: "retry", retry: 2500 },
    { data: "\uFEFFbom in data" },
    { data: ":not a comment" },
  ];
  const expected: SseEvent[] = [
    { event: undefined, data: "plain", id: undefined, retry: undefined },
    { event: "content_block_delta", data: '{"delta":"héllo 👋 日本"}', id: "1", retry: undefined },
    { event: undefined, data: "", id: "1", retry: undefined },
    { event: undefined, data: " leading space", id: "1", retry: undefined },
    { event: undefined, data: "  two leading spaces", id: "1", retry: undefined },
    { event: undefined, data: "multi\nline\n\ndata", id: "1", retry: undefined },
    { event: " spaced", data: "x", id: "", retry: undefined },
    { event: undefined, data: "retry", id: "", retry: 2500 },
    { event: undefined, data: "\uFEFFbom in data", id: "", retry: undefined },
    { event: undefined, data: ":not a comment", id: "", retry: undefined },
  ];

  test("events survive encoding and parsing, whole and byte by byte", () => {
    const bytes = concat(outgoing.map(encodeSseEvent));
    expect(parseWhole(bytes).events).toEqual(expected);
    const bytewise = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    expect(parseChunks(bytewise).events).toEqual(expected);
  });

  test("every corpus stream re-encodes to an equivalent stream", () => {
    for (const { name, bytes } of loadCorpus()) {
      const first = parseWhole(bytes).events;
      const reencoded = concat(
        first.map((e) =>
          encodeSseEvent({
            data: e.data,
            ...(e.event !== undefined && { event: e.event }),
            ...(e.id !== undefined && { id: e.id }),
            ...(e.retry !== undefined && { retry: e.retry }),
          }),
        ),
      );
      expect({ name, events: parseWhole(reencoded).events }).toEqual({ name, events: first });
    }
    expect(parseWhole(corpusFile("anthropic-messages.txt")).events.length).toBeGreaterThan(10);
  });
});
