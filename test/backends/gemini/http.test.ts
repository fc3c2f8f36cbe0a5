import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { testConfig } from "../../helpers/config.ts";
import { startLipstd, type TestServer } from "../../helpers/lipstd.ts";
import { type Emulator, type GeminiStep, invalidApiKey, rateLimited, type RecordedRequest, startGeminiEmulator } from "../../emulators/gemini.ts";

/**
 * The gemini backend over real HTTP: a real lipstd speaks Chat Completions to the `openai` SDK
 * and Gemini to the emulator. Each test scripts the emulator and looks at what both sides saw.
 */

let script: (request: RecordedRequest, index: number) => GeminiStep = () => ({ reply: { text: "unscripted" } });
let emulator: Emulator;
let server: TestServer;
let client: OpenAI;
const leakyKey = "AIzaSyFAKE-key-that-must-never-leak-0001";

beforeAll(async () => {
  emulator = startGeminiEmulator({ script: (request, index) => script(request, index), rejectKeys: ["revoked-key"] });
  const gemini = (id: string, keys: string[]) => ({ id, kind: "gemini", base_url: emulator.url, api_keys: keys });
  server = await startLipstd(
    testConfig([
      gemini("g", ["key-main"]),
      gemini("cooling", ["k1", "k2"]),
      gemini("invalid", ["bad-key", "good-key"]),
      gemini("revoked", ["revoked-key", "fine-key"]),
      gemini("leaky", [leakyKey]),
      { id: "stub", kind: "local-stub", text: "from stub" },
    ]),
  );
  client = chat(server);
});

afterAll(async () => {
  await server.stop();
  await emulator.stop();
});

function chat(target: TestServer): OpenAI {
  return new OpenAI({ baseURL: `${target.url}/v1`, apiKey: "client-key", maxRetries: 0 });
}

/** Requests the emulator received while `action` ran. */
async function during(action: () => Promise<unknown>): Promise<RecordedRequest[]> {
  const before = emulator.requests.length;
  await action();
  return emulator.requests.slice(before);
}

/** Reads a Chat stream to its end; returns the text and the error that ended it, if any. */
async function readStream(stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>): Promise<{ text: string; error?: unknown }> {
  let text = "";
  try {
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  } catch (error) {
    return { text, error };
  }
  return { text };
}

const user = [{ role: "user" as const, content: "hi" }];
const failover = { headers: { "x-lip-route": "g:gemini-2.5-flash|stub:stub-default" } };

describe("gemini backend over HTTP", () => {
  test("a streamed Chat request becomes streamGenerateContent?alt=sse with x-goog-api-key, and streams back", async () => {
    script = () => ({ reply: { text: ["Hel", "lo"], reasoning: { text: "thinking", signature: "sig-1" }, usage: { input: 11, output: 9, reasoning: 4 } } });
    let result: { text: string; usage?: OpenAI.CompletionUsage | null } = { text: "" };
    const [request] = await during(async () => {
      const stream = await client.chat.completions.create({
        model: "g:gemini-2.5-flash",
        messages: [{ role: "system", content: "Be brief." }, ...user],
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) {
        result.text += chunk.choices[0]?.delta?.content ?? "";
        if (chunk.usage) result.usage = chunk.usage;
      }
    });
    expect(result.text).toBe("Hello");
    expect(result.usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 9, completion_tokens_details: { reasoning_tokens: 4 } });
    expect(request!.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    expect(request!.query.get("alt")).toBe("sse");
    expect(request!.query.get("key")).toBeNull();
    expect(request!.headers["x-goog-api-key"]).toBe("key-main");
    expect(request!.headers.authorization).toBeUndefined();
    expect(request!.body).toEqual({ contents: [{ role: "user", parts: [{ text: "hi" }] }], systemInstruction: { parts: [{ text: "Be brief." }] } });
  });

  test("a JSON Chat request is collected from the upstream stream", async () => {
    script = () => ({ reply: { text: ["Four", "."], usage: { input: 5, output: 2 } } });
    const completion = await client.chat.completions.create({ model: "g:gemini-2.5-flash", messages: user });
    expect(completion.choices[0]!.message.content).toBe("Four.");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    expect(completion.usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 });
  });

  test("parallel function calls round trip: names recovered, ids matched, the signature back on the first call (the sentinel when the client dropped it)", async () => {
    script = () => ({
      reply: {
        reasoning: { signature: "sig-gemini" },
        toolCalls: [
          { name: "get_weather", arguments: '{"city":"Paris"}' },
          { name: "get_weather", arguments: '{"city":"Oslo"}' },
        ],
      },
    });
    const parameters = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [{ type: "function", function: { name: "get_weather", parameters } }];
    const first = await client.chat.completions.create({ model: "g:gemini-2.5-flash", messages: user, tools, tool_choice: "required" });
    const calls = first.choices[0]!.message.tool_calls!.filter((call) => call.type === "function");
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    expect(calls.map((call) => [call.function.name, call.function.arguments])).toEqual([
      ["get_weather", '{"city":"Paris"}'],
      ["get_weather", '{"city":"Oslo"}'],
    ]);
    expect(calls[0]!.id).not.toBe(calls[1]!.id);

    script = () => ({ reply: { text: "Paris 21°C, Oslo 9°C." } });
    const answerWith = (assistant: OpenAI.Chat.Completions.ChatCompletionMessageParam) =>
      during(() =>
        client.chat.completions.create({
          model: "g:gemini-2.5-flash",
          tools,
          messages: [
            ...user,
            assistant,
            { role: "tool", tool_call_id: calls[0]!.id, content: "21°C" },
            { role: "tool", tool_call_id: calls[1]!.id, content: '{"celsius": 9}' },
          ],
        }),
      );
    const [request] = await answerWith(first.choices[0]!.message);
    const [, model, results] = request!.body.contents as Array<{ role: string; parts: Array<Record<string, any>> }>;
    expect(model!.parts.map((part) => part.functionCall.id)).toEqual([calls[0]!.id, calls[1]!.id]);
    // Echoed as received, the message's reasoning_details carry Gemini's signature back to its call.
    expect(model!.parts.map((part) => part.thoughtSignature)).toEqual(["sig-gemini", undefined]);
    // A Chat client that drops reasoning_details loses it, so the current turn needs the documented sentinel.
    const { reasoning_details: _dropped, ...bare } = first.choices[0]!.message as typeof first.choices[0]["message"] & { reasoning_details?: unknown };
    const [plain] = await answerWith(bare);
    const unsigned = (plain!.body.contents as Array<{ parts: Array<Record<string, any>> }>)[1]!;
    expect(unsigned.parts.map((part) => part.thoughtSignature)).toEqual(["skip_thought_signature_validator", undefined]);
    expect(results!.parts).toEqual([
      { functionResponse: { name: "get_weather", id: calls[0]!.id, response: { output: "21°C" } } },
      { functionResponse: { name: "get_weather", id: calls[1]!.id, response: { celsius: 9 } } },
    ]);
    expect(request!.body.tools[0].functionDeclarations[0].parametersJsonSchema).toEqual(parameters);
  });
});

describe("model auto-selection", () => {
  test("a bare gemini-* model name reaches the first Gemini backend, even when another backend comes first", async () => {
    const other = await startLipstd(testConfig([{ id: "stub", kind: "local-stub", text: "from stub" }, { id: "gem", kind: "gemini", base_url: emulator.url, api_key: "key-auto" }]));
    try {
      script = () => ({ reply: { text: "auto" } });
      let content: string | null | undefined;
      const [request] = await during(async () => {
        content = (await chat(other).chat.completions.create({ model: "gemini-2.5-pro", messages: user })).choices[0]!.message.content;
      });
      expect(content).toBe("auto");
      expect(request!.path).toBe("/v1beta/models/gemini-2.5-pro:streamGenerateContent");
      expect((await chat(other).chat.completions.create({ model: "gpt-5-nano", messages: user })).choices[0]!.message.content).toBe("from stub");
    } finally {
      await other.stop();
    }
  });
});

describe("errors and key pools", () => {
  test("429 with RetryInfo cools the key for retryDelay: the next key answers now, and the cooled key rests", async () => {
    script = (request) => (request.key === "k1" ? { error: rateLimited("26s") } : { reply: { text: "ok" } });
    const first = await during(() => client.chat.completions.create({ model: "cooling:gemini-2.5-flash", messages: user }));
    expect(first.map((request) => request.key)).toEqual(["k1", "k2"]);
    const second = await during(() => client.chat.completions.create({ model: "cooling:gemini-2.5-flash", messages: user }));
    expect(second.map((request) => request.key)).toEqual(["k2"]);

    script = () => ({ error: rateLimited("26s") });
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "cooling:gemini-2.5-flash", messages: user }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(20);
    expect(Number(response.headers.get("retry-after"))).toBeLessThanOrEqual(26);
  });

  test("Gemini's 400 API_KEY_INVALID retires the key like a 401, and the next key answers", async () => {
    script = (request) => (request.key === "bad-key" ? { error: invalidApiKey() } : { reply: { text: "ok" } });
    const first = await during(() => client.chat.completions.create({ model: "invalid:gemini-2.5-flash", messages: user }));
    expect(first.map((request) => request.key)).toEqual(["bad-key", "good-key"]);
    const second = await during(() => client.chat.completions.create({ model: "invalid:gemini-2.5-flash", messages: user }));
    expect(second.map((request) => request.key)).toEqual(["good-key"]);
  });

  test("a 401 retires the key until restart", async () => {
    script = () => ({ reply: { text: "ok" } });
    const first = await during(() => client.chat.completions.create({ model: "revoked:gemini-2.5-flash", messages: user }));
    expect(first.map((request) => request.key)).toEqual(["revoked-key", "fine-key"]);
    const second = await during(() => client.chat.completions.create({ model: "revoked:gemini-2.5-flash", messages: user }));
    expect(second.map((request) => request.key)).toEqual(["fine-key"]);
  });

  test.each([
    [503, "The model is overloaded. Please try again later."],
    [500, "An internal error has occurred."],
  ])("%i before output is recoverable: the next candidate answers", async (status, message) => {
    script = () => ({ error: { status, message } });
    const completion = await client.chat.completions.create({ model: "x", messages: user }, failover);
    expect(completion.choices[0]!.message.content).toBe("from stub");
  });

  test("400 INVALID_ARGUMENT is the client's to fix: no failover, Gemini's message in the error", async () => {
    script = () => ({ error: { status: 400, message: "Invalid JSON payload received. Unknown name \"foo\"." } });
    let failure: unknown;
    const requests = await during(async () => {
      failure = await client.chat.completions.create({ model: "x", messages: user }, failover).catch((error: unknown) => error);
    });
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    expect((failure as Error).message).toContain("Invalid JSON payload received");
    expect(requests).toHaveLength(1);
  });

  test("an API key echoed in an upstream error never reaches the client or the log", async () => {
    script = () => ({ error: { status: 400, message: `API key ${leakyKey} is not valid for this project.` } });
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "leaky:gemini-2.5-flash", messages: user }),
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).toContain("is not valid for this project");
    expect(text).not.toContain(leakyKey);
    expect(JSON.stringify(server.logs)).not.toContain(leakyKey);
  });
});

describe("stream failures", () => {
  const stream = () => client.chat.completions.create({ model: "x", messages: user, stream: true }, failover);

  test("an {error} object mid-stream after output: the client's stream throws", async () => {
    script = () => ({ reply: { text: ["partial ", "answer"] }, streamError: { message: "Internal error encountered.", code: "INTERNAL" } });
    const result = await readStream(await stream());
    expect(result.text).toBe("partial answer");
    expect(result.error).toBeInstanceOf(OpenAI.APIError);
    expect(String((result.error as Error).message)).toContain("Internal error encountered");
  });

  test("a connection cut after output: the client's stream throws", async () => {
    script = () => ({ reply: { text: ["a", "b", "c"] }, cutAfterFrames: 2, chunkDelayMs: 20 });
    const result = await readStream(await stream());
    expect(result.text).toBe("ab");
    expect(result.error).toBeDefined();
  });

  test("a body that ends without a finishReason after output: the client's stream throws", async () => {
    script = () => ({ reply: { gemini: { chunks: [{ candidates: [{ content: { role: "model", parts: [{ text: "cut short" }] }, index: 0 }] }] } } });
    const result = await readStream(await stream());
    expect(result.text).toBe("cut short");
    expect(result.error).toBeDefined();
  });

  test("malformed SSE after output surfaces; before output it fails over", async () => {
    script = () => ({ reply: { text: ["x", "y"] }, malformedAfterFrames: 1 });
    const after = await readStream(await stream());
    expect(after.text).toBe("x");
    expect(after.error).toBeDefined();

    script = () => ({ reply: { text: "never seen" }, malformedAfterFrames: 0 });
    const before = await readStream(await stream());
    expect(before).toEqual({ text: "from stub" });
  });

  test("a cut before any output fails over to the next candidate", async () => {
    script = () => ({ reply: { text: ["never", "seen"] }, cutAfterFrames: 0 });
    expect(await readStream(await stream())).toEqual({ text: "from stub" });
  });

  test("a slow first byte is waited for; a client that leaves cancels the upstream request", async () => {
    script = () => ({ reply: { text: "late but fine" }, headersDelayMs: 150 });
    expect(await readStream(await client.chat.completions.create({ model: "g:gemini-2.5-flash", messages: user, stream: true }))).toEqual({ text: "late but fine" });

    script = () => ({ reply: { text: "too late" }, firstChunkDelayMs: 30_000 });
    const before = emulator.requests.length;
    const abort = new AbortController();
    const pending = fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "g:gemini-2.5-flash", messages: user, stream: true }),
      signal: abort.signal,
    }).catch((error: unknown) => error);
    while (emulator.requests.length === before) await Bun.sleep(5);
    abort.abort();
    await pending;
    const upstream = emulator.requests[before]!;
    for (let i = 0; i < 400 && !upstream.aborted; i++) await Bun.sleep(5);
    expect(upstream.aborted).toBe(true);
  });
});
