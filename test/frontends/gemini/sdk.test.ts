import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ApiError, type Content, FinishReason, type GenerateContentResponse, GoogleGenAI, type Part } from "@google/genai";
import type { RunningServer } from "../../../src/server/server.ts";
import { startStubServer } from "./server-helpers.ts";

/**
 * Conformance with the official @google/genai SDK against a real lipstd. Each local-stub
 * backend plays one scenario; the model name in the path (`backend:model`) picks it.
 */
let server: RunningServer;
let ai: GoogleGenAI;
let aiBeta: GoogleGenAI;

const pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

beforeAll(async () => {
  server = await startStubServer(
    [
      { id: "text", text: "hello gemini world", chunks: 3, input_tokens: 12, output_tokens: 7 },
      { id: "tools", text: "Checking both.", tool_calls: [{ name: "get_weather", args: '{"city":"Paris"}' }, { name: "get_time", args: '{"zone":"CET"}' }] },
      { id: "echo", echo_call: true },
      { id: "think", reasoning_text: "Let me think about it.", text: "The answer is 4." },
      { id: "broken", text: "partial output", stream_error_after_text_delta: true },
      { id: "fail", fail_status: 500 },
    ],
    1,
  );
  ai = new GoogleGenAI({ apiKey: "x", httpOptions: { baseUrl: server.url } });
  aiBeta = new GoogleGenAI({ apiKey: "x", httpOptions: { baseUrl: server.url, apiVersion: "v1beta" } });
});

afterAll(async () => {
  await server.stop();
});

async function collect(stream: AsyncGenerator<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function partsOf(chunks: GenerateContentResponse[]): Part[] {
  return chunks.flatMap((chunk) => chunk.candidates?.[0]?.content?.parts ?? []).filter((part) => !(part.text === "" && !part.thoughtSignature));
}

/** The canonical call the echo backend received, as its JSON summary. */
async function echoed(contents: Content[], client = ai): Promise<any> {
  const response = await client.models.generateContent({ model: "echo:stub-default", contents });
  return JSON.parse(response.text ?? "");
}

async function apiError(run: () => Promise<unknown>): Promise<ApiError> {
  try {
    await run();
  } catch (thrown) {
    if (thrown instanceof ApiError) return thrown;
    throw thrown;
  }
  throw new Error("expected an ApiError");
}

describe("@google/genai against lipstd: text", () => {
  test("generateContent returns the text, a STOP finish and consistent usage", async () => {
    const response = await ai.models.generateContent({ model: "text:stub-default", contents: "hi" });
    expect(response.text).toBe("hello gemini world");
    expect(response.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
    expect(response.usageMetadata).toEqual({ promptTokenCount: 12, candidatesTokenCount: 7, totalTokenCount: 19 });
    expect(response.modelVersion).toBe("stub-default");
    expect(response.responseId).toMatch(/^stub_/);
  });

  test("generateContentStream yields the text in several chunks, finish and the same usage last", async () => {
    for (const client of [ai, aiBeta]) {
      const chunks = await collect(await client.models.generateContentStream({ model: "text:stub-default", contents: "hi" }));
      expect(chunks.length).toBeGreaterThanOrEqual(4);
      expect(chunks.map((chunk) => chunk.text ?? "").join("")).toBe("hello gemini world");
      const last = chunks[chunks.length - 1]!;
      expect(last.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);
      expect(last.usageMetadata).toEqual({ promptTokenCount: 12, candidatesTokenCount: 7, totalTokenCount: 19 });
    }
  });
});

describe("@google/genai against lipstd: function calling", () => {
  test("two parallel calls arrive whole with ids; their functionResponses come back as tool results with the same ids", async () => {
    const tools = [
      {
        functionDeclarations: [
          { name: "get_weather", parametersJsonSchema: { type: "object", properties: { city: { type: "string" } } } },
          { name: "get_time", parametersJsonSchema: { type: "object", properties: { zone: { type: "string" } } } },
        ],
      },
    ];
    const chunks = await collect(await ai.models.generateContentStream({ model: "tools:stub-default", contents: "weather and time?", config: { tools } }));
    const calls = chunks.flatMap((chunk) => chunk.functionCalls ?? []);
    expect(calls.map(({ name, args }) => ({ name, args }))).toEqual([
      { name: "get_weather", args: { city: "Paris" } },
      { name: "get_time", args: { zone: "CET" } },
    ]);
    expect(calls[0]!.id).toBeTruthy();
    expect(calls[1]!.id).not.toBe(calls[0]!.id);
    expect(chunks[chunks.length - 1]!.candidates?.[0]?.finishReason).toBe(FinishReason.STOP);

    const history: Content[] = [
      { role: "user", parts: [{ text: "weather and time?" }] },
      { role: "model", parts: partsOf(chunks) },
      {
        role: "user",
        parts: [
          { functionResponse: { id: calls[1]!.id, name: "get_time", response: { output: "14:00" } } },
          { functionResponse: { id: calls[0]!.id, name: "get_weather", response: { error: "service down" } } },
        ],
      },
    ];
    const summary = await echoed(history);
    expect(summary.dialect).toBe("gemini");
    expect(summary.messages[1]).toEqual({
      role: "assistant",
      parts: [
        { type: "text", text: "Checking both." },
        { type: "tool_call", id: calls[0]!.id, name: "get_weather", arguments: '{"city":"Paris"}' },
        { type: "tool_call", id: calls[1]!.id, name: "get_time", arguments: '{"zone":"CET"}' },
      ],
    });
    expect(summary.messages.slice(2)).toEqual([
      { role: "tool", parts: [{ type: "tool_result", callId: calls[1]!.id, isError: false, content: '{"output":"14:00"}' }] },
      { role: "tool", parts: [{ type: "tool_result", callId: calls[0]!.id, isError: true, content: '{"error":"service down"}' }] },
    ]);
  });

  test("a client that leaves ids out gets results paired with calls by name and order", async () => {
    const summary = await echoed([
      { role: "user", parts: [{ text: "go" }] },
      { role: "model", parts: [{ functionCall: { name: "a", args: {} } }, { functionCall: { name: "b", args: {} } }] },
      { role: "user", parts: [{ functionResponse: { name: "a", response: { ok: 1 } } }, { functionResponse: { name: "b", response: { ok: 2 } } }] },
    ]);
    const callIds = summary.messages[1].parts.map((part: any) => part.id);
    const resultIds = summary.messages.slice(2).map((message: any) => message.parts[0].callId);
    expect(resultIds).toEqual(callIds);
    expect(new Set(callIds).size).toBe(2);
  });
});

describe("@google/genai against lipstd: inputs and thoughts", () => {
  test("an inlineData image reaches the backend as an image part", async () => {
    const summary = await echoed([{ role: "user", parts: [{ inlineData: { mimeType: "image/png", data: pixel } }, { text: "what is this?" }] }]);
    expect(summary.messages[0].parts).toEqual([
      { type: "image", source: "base64", mediaType: "image/png" },
      { type: "text", text: "what is this?" },
    ]);
  });

  test("system instruction, tool config and generation config reach the backend", async () => {
    const response = await ai.models.generateContent({
      model: "echo:stub-default",
      contents: "classify",
      config: {
        systemInstruction: "You are a router.",
        temperature: 0,
        maxOutputTokens: 256,
        responseMimeType: "application/json",
        responseSchema: { type: "OBJECT" as never, properties: { choice: { type: "STRING" as never, enum: ["flash", "pro"] } } },
        thinkingConfig: { includeThoughts: true, thinkingLevel: "LOW" as never },
        tools: [{ functionDeclarations: [{ name: "route" }] }],
        toolConfig: { functionCallingConfig: { mode: "ANY" as never, allowedFunctionNames: ["route"] } },
      },
    });
    const summary = JSON.parse(response.text ?? "");
    expect(summary.messages[0]).toEqual({ role: "system", parts: [{ type: "text", text: "You are a router." }] });
    expect(summary.toolChoice).toEqual({ type: "named", name: "route" });
    expect(summary.options).toEqual({
      temperature: 0,
      maxOutputTokens: 256,
      reasoning: { includeThoughts: true, effort: "low", enabled: true },
      responseFormat: { type: "json_schema", schema: { type: "object", properties: { choice: { type: "string", enum: ["flash", "pro"] } } } },
    });
  });

  test("reasoning arrives as a thought part; its foreign (local-stub) signature survives the round trip", async () => {
    const chunks = await collect(
      await ai.models.generateContentStream({ model: "think:stub-default", contents: "2+2?", config: { thinkingConfig: { includeThoughts: true } } }),
    );
    const parts = partsOf(chunks);
    expect(parts[0]).toMatchObject({ text: "Let me think about it.", thought: true });
    expect(typeof parts[0]!.thoughtSignature).toBe("string");
    expect(chunks.map((chunk) => chunk.text ?? "").join("")).toBe("The answer is 4.");

    const summary = await echoed([
      { role: "user", parts: [{ text: "2+2?" }] },
      { role: "model", parts },
      { role: "user", parts: [{ text: "thanks" }] },
    ]);
    expect(summary.messages[1].parts).toEqual([
      { type: "reasoning", text: "Let me think about it.", signature: { dialect: "local-stub", value: "stub-signature" } },
      { type: "text", text: "The answer is 4." },
    ]);
  });

  test("without includeThoughts the thought text is withheld, the signature is not", async () => {
    const response = await ai.models.generateContent({ model: "think:stub-default", contents: "2+2?" });
    const parts = response.candidates?.[0]?.content?.parts ?? [];
    expect(parts[0]).toMatchObject({ text: "", thought: true });
    expect(parts[0]!.thoughtSignature).toBeTruthy();
    expect(response.text).toBe("The answer is 4.");
  });
});

describe("@google/genai against lipstd: errors", () => {
  test("an invalid request is an ApiError with status 400 naming the field", async () => {
    const error = await apiError(() => ai.models.generateContent({ model: "text:stub-default", contents: "hi", config: { candidateCount: 2 } }));
    expect(error.status).toBe(400);
    expect(error.message).toContain("generationConfig.candidateCount");
    expect(error.message).toContain("INVALID_ARGUMENT");
    const streamed = await apiError(() => ai.models.generateContentStream({ model: "text:stub-default", contents: "hi", config: { candidateCount: 2 } }));
    expect(streamed.status).toBe(400);
  });

  test("a failure before any output is an ApiError with the upstream status, streaming or not", async () => {
    const error = await apiError(() => ai.models.generateContent({ model: "fail:stub-default", contents: "hi" }));
    expect(error.status).toBe(500);
    expect(error.message).toContain('"status":"INTERNAL"');
    const streamed = await apiError(() => ai.models.generateContentStream({ model: "fail:stub-default", contents: "hi" }));
    expect(streamed.status).toBe(500);
  });

  test("a stream that breaks after output makes the SDK's iteration throw after the text it got", async () => {
    const stream = await ai.models.generateContentStream({ model: "broken:stub-default", contents: "hi" });
    const texts: string[] = [];
    const error = await apiError(async () => {
      for await (const chunk of stream) texts.push(chunk.text ?? "");
    });
    expect(texts.join("")).toBe("partial output");
    expect(error.status).toBe(502);
    expect(error.message).toContain("UNAVAILABLE");
  });

  test("the non-streaming form of that break is an error response, not a partial success", async () => {
    const error = await apiError(() => ai.models.generateContent({ model: "broken:stub-default", contents: "hi" }));
    expect(error.status).toBe(502);
  });
});

describe("@google/genai against lipstd: models and tokens", () => {
  test("countTokens returns the backend's count", async () => {
    const response = await ai.models.countTokens({ model: "text:stub-default", contents: "hello there" });
    // local-stub counts a quarter of the messages' JSON length.
    const messages = [{ role: "user", parts: [{ type: "text", text: "hello there" }] }];
    expect(response.totalTokens).toBe(Math.ceil(JSON.stringify(messages).length / 4));
  });

  test("models.list pages through every backend's models and models.get finds one", async () => {
    const names: string[] = [];
    for await (const model of await ai.models.list({ config: { pageSize: 4 } })) names.push(model.name ?? "");
    expect(names).toEqual(["text", "tools", "echo", "think", "broken", "fail"].map((id) => `models/${id}:stub-default`));
    const model = await aiBeta.models.get({ model: "think:stub-default" });
    expect(model.name).toBe("models/think:stub-default");
    expect(model.supportedActions).toContain("generateContent");
    const missing = await apiError(() => ai.models.get({ model: "nope" }));
    expect(missing.status).toBe(404);
  });
});
