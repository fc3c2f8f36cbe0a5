import { describe, expect, test } from "bun:test";
import { createSseParser, SseParseError, type SseEvent, type SseParserOptions } from "../../src/sse/index.ts";
import { parseChunks, utf8 } from "./helpers.ts";

const parse = (...chunks: string[]) => parseChunks(chunks.map(utf8));
const datas = (...chunks: string[]) => parse(...chunks).events.map((e) => e.data);

function collecting(options?: SseParserOptions) {
  const events: SseEvent[] = [];
  const parser = createSseParser((e) => events.push(e), options);
  return { events, parser };
}

describe("fields", () => {
  test("data lines are joined with LF", () => {
    expect(datas("data: a\ndata: b\ndata: c\n\n")).toEqual(["a\nb\nc"]);
  });

  test("exactly one leading space after the colon is stripped", () => {
    const [e] = parse("event:  two\ndata:  x \n\n").events;
    expect(e?.event).toBe(" two");
    expect(e?.data).toBe(" x ");
    expect(datas("data:x\n\n", "data:\tx\n\n")).toEqual(["x", "\tx"]);
  });

  test("a field without a colon is the field name with an empty value", () => {
    expect(parse("data\n\n").events).toEqual([{ event: undefined, data: "", id: undefined, retry: undefined }]);
    expect(datas("data\ndata\n\n")).toEqual(["\n"]);
    // `event` with an empty value means the default type, reported as undefined.
    expect(parse("event: x\nevent\ndata: y\n\n").events[0]?.event).toBeUndefined();
  });

  test("only the first colon separates name and value", () => {
    expect(datas('data: {"a":"b:c"}\n\n')).toEqual(['{"a":"b:c"}']);
  });

  test("unknown fields are ignored, field names are case-sensitive", () => {
    const { events } = parse("foo: bar\nData: no\nEVENT: no\ndata: yes\n\n");
    expect(events).toEqual([{ event: undefined, data: "yes", id: undefined, retry: undefined }]);
  });

  test("event type applies to one event only", () => {
    const { events } = parse("event: a\ndata: 1\n\ndata: 2\n\n");
    expect(events.map((e) => e.event)).toEqual(["a", undefined]);
  });
});

describe("dispatch", () => {
  test("a blank line dispatches only if a data line was seen", () => {
    const { events } = parse("\n\n\nid: 1\n\nretry: 5\n\n: c\n\n");
    expect(events).toEqual([]);
  });

  test("an event:-only block is not dispatched and its type does not leak", () => {
    const { events } = parse("event: ping\n\ndata: next\n\n");
    expect(events).toEqual([{ event: undefined, data: "next", id: undefined, retry: undefined }]);
  });

  test("events are delivered as soon as their blank line arrives", () => {
    const { events, parser } = collecting();
    parser.feed(utf8("data: a\n\ndata: b"));
    expect(events.map((e) => e.data)).toEqual(["a"]);
    parser.feed(utf8("\n\n"));
    expect(events.map((e) => e.data)).toEqual(["a", "b"]);
  });

  test("a CR line end is acted on at once, without waiting for a possible LF", () => {
    const { events, parser } = collecting();
    parser.feed(utf8("data: a\r\r"));
    expect(events.map((e) => e.data)).toEqual(["a"]);
  });
});

describe("id", () => {
  test("the last event ID persists across events until replaced", () => {
    const { events } = parse("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n");
    expect(events.map((e) => e.id)).toEqual(["1", "1", "2"]);
  });

  test("an empty id resets it to the empty string", () => {
    const { events } = parse("id: 1\ndata: a\n\nid:\ndata: b\n\n");
    expect(events.map((e) => e.id)).toEqual(["1", ""]);
  });

  test("an id containing NUL is ignored", () => {
    const { events } = parse("id: 7\ndata: a\n\nid: 8\u00009\ndata: b\n\n");
    expect(events.map((e) => e.id)).toEqual(["7", "7"]);
  });
});

describe("retry", () => {
  test("accepted only when all ASCII digits", () => {
    const retryOf = (v: string) => parse(`retry:${v}\ndata: x\n\n`).events[0]?.retry;
    expect(retryOf(" 1500")).toBe(1500);
    expect(retryOf("0")).toBe(0);
    for (const bad of [" -1", " 1.5", " 15ms", " ", "", "  100", " 1e3", " ١٢"]) {
      expect(retryOf(bad)).toBeUndefined();
    }
  });

  test("a retry-only block is reported with the next event, then cleared", () => {
    const { events } = parse("retry: 250\n\ndata: a\n\ndata: b\n\n");
    expect(events.map((e) => e.retry)).toEqual([250, undefined]);
  });
});

describe("line endings", () => {
  test("LF, CRLF and CR are all line ends", () => {
    expect(datas("data: a\ndata: b\n\n")).toEqual(["a\nb"]);
    expect(datas("data: a\r\ndata: b\r\n\r\n")).toEqual(["a\nb"]);
    expect(datas("data: a\rdata: b\r\r")).toEqual(["a\nb"]);
  });

  test("CR at the end of a chunk and LF at the start of the next are one line end", () => {
    // Counted as two, the LF would be a blank line dispatching "a" alone.
    expect(datas("data: a\r", "\ndata: b\r\n\r\n")).toEqual(["a\nb"]);
    // Empty chunks in between do not break the pair.
    expect(datas("data: a\r", "", "", "\ndata: b\n\n")).toEqual(["a\nb"]);
  });

  test("CR at the end of a chunk followed by another CR is a blank line", () => {
    expect(datas("data: a\r", "\rdata: b\n\n")).toEqual(["a", "b"]);
  });

  test("LF then CR is two line ends", () => {
    expect(datas("data: a\n\rdata: b\n\n")).toEqual(["a", "b"]);
  });
});

describe("UTF-8", () => {
  test("a 4-byte character split across every chunk boundary decodes intact", () => {
    const bytes = utf8("data: 👋日\n\n");
    const chunks = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    expect(parseChunks(chunks).events.map((e) => e.data)).toEqual(["👋日"]);
  });

  test("invalid bytes become U+FFFD without affecting the next line", () => {
    const bytes = new Uint8Array([...utf8("data: "), 0xff, 0xc3, ...utf8("\ndata: ok\n\n")]);
    expect(parseChunks([bytes]).events.map((e) => e.data)).toEqual(["\uFFFD\uFFFD\nok"]);
  });
});

describe("BOM", () => {
  const BOM = [0xef, 0xbb, 0xbf];

  test("stripped at the start of the stream, even when split across chunks", () => {
    const body = utf8("data: x\n\n");
    expect(parseChunks([new Uint8Array([...BOM, ...body])]).events.map((e) => e.data)).toEqual(["x"]);
    const split = [new Uint8Array([0xef]), new Uint8Array([0xbb]), new Uint8Array([0xbf, ...body])];
    expect(parseChunks(split).events.map((e) => e.data)).toEqual(["x"]);
  });

  test("only the first one: a second BOM makes the field name unknown", () => {
    const bytes = new Uint8Array([...BOM, ...BOM, ...utf8("data: x\n\n")]);
    expect(parseChunks([bytes]).events).toEqual([]);
  });

  test("not stripped at the start of a later line", () => {
    const bytes = new Uint8Array([...utf8("data: a\n\n"), ...BOM, ...utf8("data: b\n\n")]);
    expect(parseChunks([bytes]).events.map((e) => e.data)).toEqual(["a"]);
  });

  test("BOM bytes inside a value are kept", () => {
    expect(datas("data: \uFEFFx\n\n")).toEqual(["\uFEFFx"]);
  });

  test("an incomplete BOM prefix is data, not dropped", () => {
    const { events, parser } = collecting();
    parser.feed(new Uint8Array([0xef, 0xbb]));
    expect(parser.pendingBytes()).toBe(2);
    parser.feed(utf8("data: x\n\n"));
    // The line begins EF BB 'd'..., so its field is not "data".
    expect(events).toEqual([]);
  });
});

describe("comments", () => {
  test("go to onComment with one leading space stripped, and never dispatch", () => {
    const { events, comments } = parse(": keepalive\n:no-space\n:\n:  two\ndata: x\n: mid-event\n\n");
    expect(comments).toEqual(["keepalive", "no-space", "", " two", "mid-event"]);
    // A comment inside a block does not end or alter it.
    expect(events).toEqual([{ event: undefined, data: "x", id: undefined, retry: undefined }]);
  });

  test("mid-event comment is delivered in order", () => {
    const { comments } = parse(": a\ndata: x\n: b\n\n");
    expect(comments).toEqual(["a", "b"]);
  });

  test("are ignored without onComment", () => {
    const { events, parser } = collecting();
    parser.feed(utf8(": c\ndata: x\n\n"));
    expect(events.map((e) => e.data)).toEqual(["x"]);
  });
});

describe("end() and truncation", () => {
  test("a clean stream is not truncated", () => {
    const { parser } = collecting();
    parser.feed(utf8("data: a\n\n: trailing comment\n"));
    expect(parser.hasPartialEvent).toBe(false);
    expect(parser.end()).toEqual({ truncated: false, pendingBytes: 0 });
  });

  test("a partial last line is discarded and reported", () => {
    const { events, parser } = collecting();
    parser.feed(utf8("data: a\n\ndata: cu"));
    expect(parser.pendingBytes()).toBe(8);
    expect(parser.hasPartialEvent).toBe(true);
    expect(parser.end()).toEqual({ truncated: true, pendingBytes: 8 });
    expect(events.map((e) => e.data)).toEqual(["a"]);
  });

  test("complete lines without the closing blank line: not dispatched, reported", () => {
    const { events, parser } = collecting();
    parser.feed(utf8("data: a\ndata: b\n"));
    expect(parser.pendingBytes()).toBe(0);
    expect(parser.hasPartialEvent).toBe(true);
    expect(parser.end()).toEqual({ truncated: true, pendingBytes: 0 });
    expect(events).toEqual([]);
  });

  test("a partial comment line still counts as a truncated stream", () => {
    const { parser } = collecting();
    parser.feed(utf8(": keepal"));
    expect(parser.end().truncated).toBe(true);
  });

  test("a stream ending in CR has no partial line", () => {
    const { events, parser } = collecting();
    parser.feed(utf8("data: a\r\r"));
    expect(parser.end()).toEqual({ truncated: false, pendingBytes: 0 });
    expect(events).toHaveLength(1);
  });

  test("end() is idempotent, feed() after end() throws, reset() starts a new stream", () => {
    const { events, parser } = collecting();
    parser.feed(utf8("id: 1\ndata: x"));
    const first = parser.end();
    expect(parser.end()).toBe(first);
    expect(() => parser.feed(utf8("\n\n"))).toThrow(/reset/);
    expect(events).toEqual([]);
    parser.reset();
    parser.feed(utf8("\uFEFFdata: y\n\n"));
    // reset also forgets the last event ID and re-arms BOM stripping.
    expect(events).toEqual([{ event: undefined, data: "y", id: undefined, retry: undefined }]);
  });
});

describe("maxBufferBytes", () => {
  test("a partial line over the limit throws SseParseError, terminally", () => {
    const { parser } = collecting({ maxBufferBytes: 16 });
    parser.feed(utf8("data: 0123456"));
    let thrown: unknown;
    try {
      parser.feed(utf8("789abcdef"));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SseParseError);
    expect((thrown as Error).message).toContain("16");
    expect(() => parser.feed(utf8("\n\n"))).toThrow(thrown as Error);
    expect(() => parser.end()).toThrow(thrown as Error);
  });

  test("the limit is independent of chunking: one oversized line in one chunk also throws", () => {
    const { parser } = collecting({ maxBufferBytes: 16 });
    expect(() => parser.feed(utf8("data: 0123456789abcdef\n\n"))).toThrow(SseParseError);
  });

  test("many small data lines of one event add up", () => {
    const { parser } = collecting({ maxBufferBytes: 64 });
    expect(() => parser.feed(utf8("data: 0123456789\n".repeat(5)))).toThrow(SseParseError);
  });

  test("the budget is per event: it is released at dispatch", () => {
    const { events, parser } = collecting({ maxBufferBytes: 16 });
    parser.feed(utf8("data: 0123456789\n\n".repeat(100)));
    expect(events).toHaveLength(100);
  });

  test("exactly at the limit is allowed", () => {
    const { events, parser } = collecting({ maxBufferBytes: 16 });
    parser.feed(utf8("data: 0123456789"));
    parser.feed(utf8("\n\n"));
    expect(events.map((e) => e.data)).toEqual(["0123456789"]);
  });

  test("reset() clears the failure", () => {
    const { events, parser } = collecting({ maxBufferBytes: 8 });
    expect(() => parser.feed(utf8("data: 0123456789"))).toThrow(SseParseError);
    parser.reset();
    parser.feed(utf8("data: ok\n\n"));
    expect(events.map((e) => e.data)).toEqual(["ok"]);
  });
});

test("an exception from onEvent is terminal until reset()", () => {
  const boom = new Error("consumer failed");
  const seen: string[] = [];
  const parser = createSseParser((e) => {
    seen.push(e.data);
    if (e.data === "a") throw boom;
  });
  expect(() => parser.feed(utf8("data: a\n\ndata: b\n\n"))).toThrow(boom);
  expect(() => parser.feed(utf8("data: c\n\n"))).toThrow(boom);
  expect(seen).toEqual(["a"]);
});
