/**
 * Streams that look complete but are not. For every frontend, through its official SDK, a backend
 * that fails at an awkward moment must make the SDK raise: between two tool calls, in the middle
 * of a reasoning block, after the provider's response started but before any content (then the
 * client gets an HTTP error, there being nothing committed), and when a fail-closed event stage
 * gives up mid-stream. A client that sees a normal end here would act on half an answer.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { Type } from "typebox";
import { LipError } from "../../src/core/model/errors.ts";
import type { FeatureDefinition } from "../../src/core/pipeline/feature-definition.ts";
import * as registry from "../../src/registry.ts";
import { type AnthropicStep, startEmulator as startAnthropic } from "../emulators/anthropic.ts";
import { startEmulator as startGemini } from "../emulators/gemini.ts";
import type { Emulator } from "../emulators/harness.ts";
import { startEmulator as startResponses } from "../emulators/openai-responses.ts";
import { testConfig } from "../helpers/config.ts";
import { startLipstd, type TestServer } from "../helpers/lipstd.ts";

/** Thinking (3 deltas), text, then two tool calls; the emulator's frames are numbered in the comments. */
const turn = {
  reasoning: { text: ["Let me ", "think ", "hard."], signature: "sig-1" },
  text: "Calling both.",
  toolCalls: [
    { id: "toolu_a", name: "weather", arguments: ['{"city":', '"Paris"}'] },
    { id: "toolu_b", name: "weather", arguments: '{"city":"Oslo"}' },
  ],
};

/** Anthropic emulator steps by key: 0 message_start, 1 ping, 2–7 thinking, 8–10 text, 11–15 first tool, 16–19 second tool. */
const anthropicSteps: Record<string, AnthropicStep> = {
  "between-tools": { reply: turn, cutAfterFrames: 16 },
  "mid-reasoning": { reply: turn, cutAfterFrames: 5 },
  "before-content": { reply: turn, cutAfterFrames: 2 },
};

/** A fail-closed stream stage that blocks the answer at its second text delta (a content guard). */
const guard: FeatureDefinition = {
  name: "guard",
  description: "test: blocks the answer mid-stream",
  options: Type.Object({}),
  create: () => ({
    name: "guard",
    policies: { stream_event_mutation: "closed" },
    handlers: {
      stream_event_mutation(event, context) {
        if (event.type !== "text_delta") return undefined;
        const seen = ((context.state.get("guard") as number | undefined) ?? 0) + 1;
        context.state.set("guard", seen);
        if (seen === 2) throw new LipError("permission", "blocked by the content guard", { code: "content_blocked" });
        return undefined;
      },
    },
  }),
};

let anthropicUpstream: Emulator;
let responsesUpstream: Emulator;
let geminiUpstream: Emulator;
let server: TestServer;

beforeAll(async () => {
  anthropicUpstream = startAnthropic({ script: (request) => anthropicSteps[request.key ?? ""] ?? { reply: turn } });
  responsesUpstream = startResponses({ script: [{ reply: { text: ["never ", "sent"] }, cutAfterFrames: 2 }] });
  geminiUpstream = startGemini({ script: [{ reply: { text: "I will call", gemini: { finishReason: "MALFORMED_FUNCTION_CALL" } } }] });
  server = await startLipstd(
    testConfig(
      [
        ...Object.keys(anthropicSteps).map((key) => ({ id: key, kind: "anthropic", base_url: anthropicUpstream.url, api_key: key })),
        { id: "responses-before-content", kind: "openai-responses", base_url: responsesUpstream.url, api_key: "sk-responses" },
        { id: "guarded", kind: "local-stub", text: "one|two|thr|fou", chunks: 4 },
        { id: "malformed", kind: "gemini", base_url: geminiUpstream.url, api_key: "gemini-key" },
      ],
      { features: { guard: {} } },
    ),
    { env: {}, registry: { ...registry, features: [guard] } },
  );
});

afterAll(async () => {
  await server.stop();
  await anthropicUpstream.stop();
  await responsesUpstream.stop();
  await geminiUpstream.stop();
});

/** What a client got before its SDK stopped: the error it raised (if any) and the text it saw. */
interface Outcome {
  error?: unknown;
  text: string;
}

async function outcome(run: (seen: { text: string }) => Promise<void>): Promise<Outcome> {
  const seen = { text: "" };
  try {
    await run(seen);
    return { text: seen.text };
  } catch (error) {
    return { error, text: seen.text };
  }
}

const route = (backend: string) => ({ "x-lip-route": `${backend}:claude-sonnet-4-5` });

const clients: Record<string, (backend: string) => Promise<Outcome>> = {
  "openai-chat": (backend) =>
    outcome(async (seen) => {
      const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "k", maxRetries: 0, defaultHeaders: route(backend) });
      const stream = await client.chat.completions.create({ model: "m", stream: true, messages: [{ role: "user", content: "go" }] });
      for await (const chunk of stream) seen.text += chunk.choices[0]?.delta.content ?? "";
    }),
  "openai-responses": (backend) =>
    outcome(async (seen) => {
      const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "k", maxRetries: 0, defaultHeaders: route(backend) });
      const stream = await client.responses.create({ model: "m", stream: true, input: "go" });
      for await (const event of stream) if (event.type === "response.output_text.delta") seen.text += event.delta;
    }),
  anthropic: (backend) =>
    outcome(async (seen) => {
      const client = new Anthropic({ baseURL: server.url, apiKey: "k", maxRetries: 0, defaultHeaders: route(backend) });
      const stream = await client.messages.create({ model: "m", max_tokens: 1024, stream: true, messages: [{ role: "user", content: "go" }] });
      for await (const event of stream) if (event.type === "content_block_delta" && event.delta.type === "text_delta") seen.text += event.delta.text;
    }),
  gemini: (backend) =>
    outcome(async (seen) => {
      const client = new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: server.url, headers: route(backend) } });
      const stream = await client.models.generateContentStream({ model: "m", contents: "go" });
      for await (const chunk of stream) seen.text += chunk.text ?? "";
    }),
};

describe("a failing backend makes every SDK raise", () => {
  for (const [dialect, consume] of Object.entries(clients)) {
    test(`${dialect}: failure between two tool calls`, async () => {
      const result = await consume("between-tools");
      expect(result.error).toBeInstanceOf(Error);
      expect(result.text).toBe("Calling both.");
    });

    test(`${dialect}: failure in the middle of a reasoning block`, async () => {
      const result = await consume("mid-reasoning");
      expect(result.error).toBeInstanceOf(Error);
      expect(result.text).toBe("");
    });

    test(`${dialect}: failure after the response started, before any content, is an HTTP error`, async () => {
      for (const backend of ["before-content", "responses-before-content"]) {
        const result = await consume(backend);
        expect(result.error).toBeInstanceOf(Error);
        expect(String((result.error as { status?: number }).status ?? (result.error as { code?: number }).code)).toMatch(/^5\d\d$/);
      }
    });

    test(`${dialect}: a fail-closed stream stage giving up mid-stream`, async () => {
      const result = await consume("guarded");
      expect(result.error).toBeInstanceOf(Error);
      expect(result.text).toBe("one|");
    });
  }
});

/**
 * A model that stops with an error (Gemini's MALFORMED_FUNCTION_CALL): Chat and Anthropic have
 * no finish value for it, so their clients must see an error, not a finished (empty) answer, as
 * Responses clients do (an error event, then response.failed); Gemini clients get the finish
 * reason itself, which Gemini CLI retries on.
 */
describe("a model that stops with an error", () => {
  for (const dialect of ["openai-chat", "anthropic", "openai-responses"]) {
    test(`${dialect}: the SDK raises, streamed`, async () => {
      const result = await clients[dialect]!("malformed");
      expect(result.error).toBeInstanceOf(Error);
      expect(String(result.error)).toContain("MALFORMED_FUNCTION_CALL");
    });
  }

  test("openai-chat and anthropic: a JSON answer is an HTTP error", async () => {
    const chat = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "k", maxRetries: 0, defaultHeaders: route("malformed") });
    const chatError = await chat.chat.completions.create({ model: "m", messages: [{ role: "user", content: "go" }] }).catch((error: unknown) => error);
    expect(chatError).toBeInstanceOf(OpenAI.APIError);
    expect((chatError as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    const anthropic = new Anthropic({ baseURL: server.url, apiKey: "k", maxRetries: 0, defaultHeaders: route("malformed") });
    const anthropicError = await anthropic.messages.create({ model: "m", max_tokens: 64, messages: [{ role: "user", content: "go" }] }).catch((error: unknown) => error);
    expect(anthropicError).toBeInstanceOf(Anthropic.APIError);
    expect((anthropicError as InstanceType<typeof Anthropic.APIError>).status).toBe(502);
  });

  test("gemini: the finish reason is Gemini's own", async () => {
    const client = new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: server.url, headers: route("malformed") } });
    const reasons: unknown[] = [];
    for await (const chunk of await client.models.generateContentStream({ model: "m", contents: "go" })) reasons.push(chunk.candidates?.[0]?.finishReason);
    expect(reasons).toContain("MALFORMED_FUNCTION_CALL");
  });
});
