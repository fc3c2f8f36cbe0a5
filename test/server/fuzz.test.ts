/**
 * Property test of every frontend's decode path, end to end: seeded random mutations of the
 * request fixtures in testdata/<dialect>/ go to a real lipstd whose backends are the local stub
 * and the provider emulators. Every answer must be a 200 or a 4xx in the client's dialect, a
 * stream must end the way its dialect ends, and the server must keep answering: never a 500,
 * never a hang.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startEmulator as startAnthropic } from "../emulators/anthropic.ts";
import { startEmulator as startBedrock } from "../emulators/bedrock.ts";
import { startEmulator as startGemini } from "../emulators/gemini.ts";
import type { Emulator } from "../emulators/harness.ts";
import { startEmulator as startChat } from "../emulators/openai-chat.ts";
import { startEmulator as startResponses } from "../emulators/openai-responses.ts";
import { testConfig } from "../helpers/config.ts";
import { startLipstd, type TestServer } from "../helpers/lipstd.ts";

const iterations = Number(process.env.FUZZ_ITERATIONS ?? 60);
const seed = Number(process.env.FUZZ_SEED ?? 20261123);

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function deepSchema(depth: number): Json {
  let schema: Json = { type: "string" };
  for (let i = 0; i < depth; i++) schema = { type: "object", properties: { [`level${i}`]: schema }, required: [`level${i}`] };
  return schema;
}

function deepArray(depth: number): Json {
  let value: Json = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** Values that break naive decoders. Parsed from JSON text so `__proto__` is an own key, as on the wire. */
const nastyValues: Json[] = [
  null, true, false, 0, -1, 1.5, -0.5, 1e308, -1e308, 2 ** 53 + 2, 1e21, 4096, 99999999999,
  "", " ", "x", "\ud800", "a\udfffb\ud800", "\u0000", "null", "{}", "[]", "data:image/png;base64,", "data:;base64,AAAA",
  "%E0%A4%A", "x".repeat(70), "toolu_../id with spaces/é", "user", "assistant", "model", "tool", "system", "function",
  [], [null], [[]], [{}], [""], [1, 2, 3], ["a", "b", "c", "d", "e"],
  {}, { type: "zzz_unknown" }, { type: null }, { text: 1 }, { type: "text" }, { type: "text", text: "" },
  JSON.parse('{"__proto__": {"polluted": true, "type": "text", "text": "p"}}') as Json,
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}') as Json,
  deepSchema(25), deepArray(40),
];

const keyNames = ["__proto__", "constructor", "prototype", "type", "text", "role", "content", "parts", "id", "name", "toString", "hasOwnProperty", "x_unknown"];

interface Slot {
  parent: Json[] | { [key: string]: Json };
  key: string | number;
}

/** Every container position in a JSON tree (the root itself is not a slot). */
function slotsOf(root: Json): Slot[] {
  const slots: Slot[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        slots.push({ parent: node, key: i });
        stack.push(child);
      });
    } else if (node !== null && typeof node === "object") {
      for (const key of Object.keys(node)) {
        slots.push({ parent: node, key });
        stack.push(node[key]!);
      }
    }
  }
  return slots;
}

function containersOf(root: Json): Array<Json[] | { [key: string]: Json }> {
  const found: Array<Json[] | { [key: string]: Json }> = [root as { [key: string]: Json }];
  for (const slot of slotsOf(root)) {
    const value = (slot.parent as Record<string | number, Json>)[slot.key];
    if (value !== null && typeof value === "object") found.push(value);
  }
  return found;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function defineOwn(target: object, key: string | number, value: Json): void {
  // A plain assignment of "__proto__" would change the prototype instead of adding a key.
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

function mutate(body: Json, random: () => number): Json {
  const root = structuredClone(body);
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) {
    const slots = slotsOf(root);
    const operation = random();
    if (operation < 0.5 && slots.length > 0) {
      const slot = pick(random, slots);
      defineOwn(slot.parent, slot.key, structuredClone(pick(random, nastyValues)));
    } else if (operation < 0.65 && slots.length > 0) {
      const slot = pick(random, slots);
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key as string];
    } else if (operation < 0.8) {
      const container = pick(random, containersOf(root));
      if (Array.isArray(container)) container.push(structuredClone(pick(random, [...nastyValues, ...container])));
      else defineOwn(container, pick(random, keyNames), structuredClone(pick(random, nastyValues)));
    } else if (operation < 0.9) {
      const typed = slotsOf(root).filter((slot) => slot.key === "type" || slot.key === "role");
      if (typed.length > 0) defineOwn(pick(random, typed).parent, pick(random, typed).key, pick(random, ["zzz", "", "tool_result", "tool_use", "thinking", "image", "document", "function_call_output", "reasoning", "message", "input_image"]));
    } else {
      const strings = slotsOf(root).filter((slot) => typeof (slot.parent as Record<string | number, Json>)[slot.key] === "string");
      if (strings.length > 0) {
        const slot = pick(random, strings);
        const value = (slot.parent as Record<string | number, Json>)[slot.key] as string;
        defineOwn(slot.parent, slot.key, `${value.slice(0, Math.floor(random() * value.length))}\ud83d`);
      }
    }
  }
  return root;
}

interface Fixture {
  dialect: "openai-chat" | "openai-responses" | "anthropic" | "gemini";
  name: string;
  body: Json;
}

function readJson(path: string): Json {
  return JSON.parse(readFileSync(path, "utf8")) as Json;
}

const testdata = join(import.meta.dir, "../../testdata");
const fixtures: Fixture[] = [
  { dialect: "openai-chat", name: "agent-turn", body: readJson(join(testdata, "openai-chat/agent-turn.request.json")) },
  { dialect: "openai-responses", name: "codex-request", body: readJson(join(testdata, "openai-responses/codex-request.json")) },
  ...readdirSync(join(testdata, "anthropic/requests")).map((file): Fixture => ({ dialect: "anthropic", name: file, body: readJson(join(testdata, "anthropic/requests", file)) })),
  ...readdirSync(join(testdata, "gemini"))
    .filter((file) => file.endsWith("-request.json"))
    .map((file): Fixture => ({ dialect: "gemini", name: file, body: readJson(join(testdata, "gemini", file)) })),
];

let server: TestServer;
const emulators: Emulator[] = [];
const turn = { reply: { text: ["fine ", "answer"], toolCalls: [{ id: "call_1", name: "lookup", arguments: '{"q":"x"}' }], usage: { input: 5, output: 2 } } };
const routes = ["stub:m", "chat:gpt-4.1", "anthropic:claude-sonnet-4-5", "responses:gpt-5", "bedrock:anthropic.claude", "gemini:gemini-2.5-pro"];

beforeAll(async () => {
  const chat = startChat({ script: [turn] });
  const anthropic = startAnthropic({ script: [turn] });
  const responses = startResponses({ script: [turn] });
  const bedrock = await startBedrock({ script: [turn] });
  const gemini = startGemini({ script: [turn] });
  emulators.push(chat, anthropic, responses, bedrock, gemini);
  server = await startLipstd(
    testConfig([
      { id: "stub", kind: "local-stub", echo_call: true },
      { id: "chat", kind: "openai-legacy", base_url: chat.url, api_key: "sk-fuzz-chat-0123456789" },
      { id: "anthropic", kind: "anthropic", base_url: anthropic.url, api_key: "sk-ant-fuzz-0123456789" },
      { id: "responses", kind: "openai-responses", base_url: responses.url, api_key: "sk-fuzz-responses-0123456789" },
      { id: "bedrock", kind: "bedrock", base_endpoint: bedrock.url, region: "us-west-2", access_key_id: "AKIDFUZZ", secret_access_key: "fuzz-secret" },
      { id: "gemini", kind: "gemini", base_url: gemini.url, api_key: "fuzz-gemini-key" },
    ]),
    { env: {} },
  );
});

afterAll(async () => {
  await server?.stop();
  await Promise.all(emulators.map((emulator) => emulator.stop()));
});

function requestFor(fixture: Fixture, body: Json, stream: boolean): { path: string; body: Json } {
  if (fixture.dialect === "gemini") {
    return { path: `/v1beta/models/gemini-2.5-pro:${stream ? "streamGenerateContent?alt=sse" : "generateContent"}`, body };
  }
  const path = { "openai-chat": "/v1/chat/completions", "openai-responses": "/v1/responses", anthropic: "/v1/messages" }[fixture.dialect];
  if (body !== null && typeof body === "object" && !Array.isArray(body) && Object.hasOwn(body, "stream") && typeof body.stream === "boolean") body.stream = stream;
  return { path, body };
}

/** The dialect's error shape, or a description of what is wrong with it. */
function errorShapeProblem(dialect: Fixture["dialect"], status: number, body: any): string | undefined {
  switch (dialect) {
    case "openai-chat":
    case "openai-responses":
      return typeof body?.error?.message === "string" && typeof body.error.type === "string" ? undefined : "not an OpenAI error object";
    case "anthropic":
      return body?.type === "error" && typeof body.error?.type === "string" && typeof body.error.message === "string" ? undefined : "not an Anthropic error";
    case "gemini":
      return body?.error?.code === status && typeof body.error.status === "string" && typeof body.error.message === "string" ? undefined : "not a Gemini error";
  }
}

/** A 200 stream must end as its dialect ends a stream (a clean finish or an in-band error). */
function streamEndProblem(dialect: Fixture["dialect"], text: string): string | undefined {
  const ended = {
    "openai-chat": /data: \[DONE\]\n\n$|data: \{"error":/,
    "openai-responses": /event: (response\.completed|response\.incomplete|response\.failed|error)\n/,
    anthropic: /event: (message_stop|error)\n/,
    gemini: /"finishReason"|"error"/,
  }[dialect];
  return ended.test(text) ? undefined : `stream did not end: ${text.slice(-300)}`;
}

async function send(fixture: Fixture, body: Json, route: string, stream: boolean): Promise<string | undefined> {
  const request = requestFor(fixture, body, stream);
  let response: Response;
  try {
    response = await fetch(`${server.url}${request.path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-lip-route": route, "anthropic-version": "2023-06-01" },
      body: JSON.stringify(request.body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (thrown) {
    return `request failed: ${String(thrown)}`;
  }
  let text: string;
  try {
    text = await response.text();
  } catch (thrown) {
    return `body failed (status ${response.status}): ${String(thrown)}`;
  }
  if (process.env.FUZZ_DEBUG) console.log(fixture.dialect, route, stream, response.status, text.slice(0, 160).replace(/\n/g, " "));
  if (response.status >= 400 && response.status < 500) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return `${response.status} with a non-JSON body: ${text.slice(0, 200)}`;
    }
    const problem = errorShapeProblem(fixture.dialect, response.status, parsed);
    return problem && `${response.status}: ${problem}: ${text.slice(0, 300)}`;
  }
  if (response.status !== 200) return `status ${response.status}: ${text.slice(0, 300)}`;
  if (text.includes("internal error")) return `200 with an internal error: ${text.slice(0, 300)}`;
  if (response.headers.get("content-type")?.includes("text/event-stream")) return streamEndProblem(fixture.dialect, text);
  try {
    JSON.parse(text);
  } catch {
    return `200 with a non-JSON body: ${text.slice(0, 200)}`;
  }
  return undefined;
}

describe("fuzzed request bodies", () => {
  for (const fixture of fixtures) {
    test(`${fixture.dialect} ${fixture.name}: every mutation answers 200 or a dialect 4xx`, async () => {
      const random = prng(seed ^ fixture.name.length ^ fixture.dialect.charCodeAt(7 % fixture.dialect.length));
      const failures: string[] = [];
      for (let i = 0; i < iterations; i++) {
        const body = mutate(fixture.body, random);
        const route = pick(random, routes);
        const stream = random() < 0.5;
        const problem = await send(fixture, body, route, stream);
        if (problem) failures.push(`#${i} route=${route} stream=${stream}: ${problem}\n  body: ${JSON.stringify(body).slice(0, 600)}`);
      }
      const faults = server.logs.filter((line) => line.message === "internal fault" || line.message === "unhandled server error");
      expect(failures.slice(0, 5)).toEqual([]);
      expect(faults.slice(0, 3)).toEqual([]);
      // The server still answers after everything it was thrown.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    }, 60_000);
  }
});
