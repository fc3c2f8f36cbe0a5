import { describe, expect, test } from "bun:test";
import { fingerprint, loadCorpus, parseChunks, parseWhole, prng, seedOf, splitAt } from "./helpers.ts";

// Chunk boundaries carry no meaning in SSE: however a stream is cut, the parse
// must equal the unsplit parse. Files up to this size also get every pair of cuts.
const PAIR_LIMIT = 320;
const RANDOM_SPLITS = 200;

const isUtf8Continuation = (b: number | undefined): boolean => b !== undefined && (b & 0xc0) === 0x80;

describe("split invariance", () => {
  const corpus = loadCorpus();
  let insideUtf8 = 0;
  let betweenCrLf = 0;

  for (const { name, bytes } of corpus) {
    const whole = parseWhole(bytes);
    const reference = fingerprint(whole);
    const n = bytes.length;

    test(`${name}: every single split point`, () => {
      expect(whole.events.length).toBeGreaterThan(0);
      for (let i = 0; i <= n; i++) {
        const got = parseChunks(splitAt(bytes, [i]));
        if (fingerprint(got) !== reference) throw new Error(`${name}: split at ${i} changed the parse`);
        // No byte is searched twice, whatever the cut.
        expect(got.stats.lfScannedBytes).toBeLessThanOrEqual(n);
        expect(got.stats.crScannedBytes).toBeLessThanOrEqual(n);
        if (isUtf8Continuation(bytes[i])) insideUtf8++;
        if (bytes[i - 1] === 0x0d && bytes[i] === 0x0a) betweenCrLf++;
      }
    });

    if (n <= PAIR_LIMIT) {
      test(`${name}: every pair of split points`, () => {
        for (let i = 0; i <= n; i++) {
          for (let j = i; j <= n; j++) {
            if (fingerprint(parseChunks(splitAt(bytes, [i, j]))) !== reference) {
              throw new Error(`${name}: splits at ${i},${j} changed the parse`);
            }
          }
        }
      });
    }

    test(`${name}: ${RANDOM_SPLITS} seeded random multi-way splits`, () => {
      const rand = prng(seedOf(name));
      for (let k = 0; k < RANDOM_SPLITS; k++) {
        const pieces = 2 + Math.floor(rand() * Math.min(64, n));
        const cuts = Array.from({ length: pieces - 1 }, () => Math.floor(rand() * (n + 1))).sort((a, b) => a - b);
        if (fingerprint(parseChunks(splitAt(bytes, cuts))) !== reference) {
          throw new Error(`${name}: cuts [${cuts.join(",")}] changed the parse`);
        }
      }
    });

    test(`${name}: one byte at a time`, () => {
      const bytewise = Array.from({ length: n }, (_, i) => bytes.subarray(i, i + 1));
      expect(fingerprint(parseChunks(bytewise))).toBe(reference);
    });
  }

  test("the single-split sweep really cut inside UTF-8 sequences and between CR and LF", () => {
    // Runs after the sweeps above (bun runs tests in a file in order). Each count
    // must be well above 0, so splits inside 4-byte emoji and CRLF pairs happened.
    expect(insideUtf8).toBeGreaterThan(20);
    expect(betweenCrLf).toBeGreaterThan(20);
  });
});
