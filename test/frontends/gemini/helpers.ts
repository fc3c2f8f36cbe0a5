import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CanonicalCall } from "../../../src/core/model/call.ts";
import { LipError } from "../../../src/core/model/errors.ts";
import { decodeGeminiRequest } from "../../../src/frontends/gemini/decode.ts";

export const fixtureDir = join(import.meta.dir, "../../../testdata/gemini");

export function fixtureText(name: string): string {
  return readFileSync(join(fixtureDir, name), "utf8");
}

export function fixtureJson<T = unknown>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

export interface DecodeOptions {
  model?: string;
  path?: string;
  logs?: unknown[][];
}

export function decode(body: unknown, options: DecodeOptions = {}): CanonicalCall {
  const model = options.model ?? "gemini-2.5-pro";
  const path = options.path ?? `/v1beta/models/${model}:generateContent`;
  return decodeGeminiRequest(body, {
    params: { model },
    url: new URL(`http://127.0.0.1${path}`),
    log: (...entry) => options.logs?.push(entry),
  });
}

/** The LipError a decode throws, for asserting on its message and param. */
export function decodeError(body: unknown): LipError {
  try {
    decode(body);
  } catch (thrown) {
    if (thrown instanceof LipError) return thrown;
    throw thrown;
  }
  throw new Error("expected decode to fail");
}

export function userText(text: string): unknown {
  return { role: "user", parts: [{ text }] };
}
