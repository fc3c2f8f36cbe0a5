import { describe, expect, test } from "bun:test";
import { createSseParser } from "../../src/sse/index.ts";
import { corpusFile, parseChunks, splitAt, utf8 } from "./helpers.ts";

// The parser counts the bytes each terminator search covers and how often it
// concatenates line fragments. A parser that re-searched or re-joined buffered
// bytes on every chunk would show it here as counts far above the input size.

function inChunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe("each byte is searched once, long lines are joined once", () => {
  test("4 MiB single-line data event fed in 1 KiB chunks", () => {
    const payload = "x".repeat(4 * 1024 * 1024);
    const bytes = utf8(`data: ${payload}\n\n`);
    let data = "";
    const parser = createSseParser((e) => {
      data = e.data;
    });
    const chunks = inChunks(bytes, 1024);
    expect(chunks.length).toBeGreaterThan(4096);
    for (const c of chunks) parser.feed(c);
    expect(parser.end().truncated).toBe(false);
    expect(data.length).toBe(payload.length);
    expect(parser.stats).toEqual({ lfScannedBytes: bytes.length, crScannedBytes: bytes.length, joins: 1 });
  });

  test("a line inside one chunk needs no join", () => {
    const bytes = utf8(`data: ${"y".repeat(100_000)}\n\n`);
    expect(parseChunks([bytes]).stats).toEqual({
      lfScannedBytes: bytes.length,
      crScannedBytes: bytes.length,
      joins: 0,
    });
  });

  test("a line that ends exactly at a chunk edge is used as-is, not copied", () => {
    const { stats } = parseChunks([utf8("data: abc"), utf8("\n\n")]);
    expect(stats.joins).toBe(0);
  });

  test("joins count lines spanning three or more pieces, once each", () => {
    // "data: abc" arrives in three pieces, "data: de" in two plus its line end.
    const { events, stats } = parseChunks(["da", "ta: a", "bc\ndata: d", "e\n\n"].map(utf8));
    expect(events.map((e) => e.data)).toEqual(["abc\nde"]);
    expect(stats.joins).toBe(2);
  });

  test("LF-only provider stream in 1 KiB chunks: both searches cover the input exactly once", () => {
    const bytes = corpusFile("openai-chat-tool-calls.txt");
    const { stats } = parseChunks(inChunks(bytes, 1024));
    expect(stats.lfScannedBytes).toBe(bytes.length);
    expect(stats.crScannedBytes).toBe(bytes.length);
  });

  test("CRLF and CR streams: no byte searched twice", () => {
    for (const name of ["gemini-alt-sse.txt", "synthetic-crlf.txt", "synthetic-cr.txt"]) {
      const bytes = corpusFile(name);
      for (const chunks of [[bytes], inChunks(bytes, 7), splitAt(bytes, [1, 2, 3, 50, 51])]) {
        const { stats } = parseChunks(chunks);
        expect(stats.lfScannedBytes).toBeLessThanOrEqual(bytes.length);
        expect(stats.crScannedBytes).toBeLessThanOrEqual(bytes.length);
      }
    }
  });
});
