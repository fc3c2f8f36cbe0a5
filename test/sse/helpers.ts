import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createSseParser, type SseEndResult, type SseEvent, type SseParserOptions, type SseParserStats } from "../../src/sse/index.ts";

export const CORPUS_DIR = join(import.meta.dir, "../../testdata/sse");

export interface CorpusFile {
  name: string;
  bytes: Uint8Array;
}

export function loadCorpus(): CorpusFile[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(CORPUS_DIR, name))) }));
}

export function corpusFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS_DIR, name)));
}

export interface ParseOutcome {
  events: SseEvent[];
  comments: string[];
  end: SseEndResult;
  stats: SseParserStats;
}

export function parseChunks(chunks: Iterable<Uint8Array>, options: SseParserOptions = {}): ParseOutcome {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const parser = createSseParser((e) => events.push(e), { ...options, onComment: (c) => comments.push(c) });
  for (const c of chunks) parser.feed(c);
  const end = parser.end();
  return { events, comments, end, stats: parser.stats };
}

export function parseWhole(bytes: Uint8Array): ParseOutcome {
  return parseChunks([bytes]);
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Splits bytes at the given sorted cut offsets (offsets may repeat, giving empty chunks). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of cuts) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/** mulberry32: small deterministic PRNG so random splits are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Everything observable about a parse except stats, as one comparable string. */
export function fingerprint(o: ParseOutcome): string {
  return JSON.stringify({ events: o.events, comments: o.comments, end: o.end });
}
