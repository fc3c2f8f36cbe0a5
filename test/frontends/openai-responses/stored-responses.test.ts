import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import type { Response as SdkResponse, ResponseItem } from "openai/resources/responses/responses";
import { testConfig } from "../../helpers/config.ts";
import { startLipstd, type TestServer } from "../../helpers/lipstd.ts";
import type { ServerConfig } from "../../../src/server/server-config.ts";
import { responseErrors } from "./spec-shapes.ts";

/**
 * Kept responses through the official `openai` SDK against a real lipstd: `store` (default
 * true), `previous_response_id`, retrieve, delete, input items and cancel. `echo:m` answers
 * with a JSON summary of the canonical call it received, which shows the conversation a
 * continuation put together.
 */
const stubText = "[local-stub] deterministic assistant text";
const backends = [
  { id: "text", kind: "local-stub", chunks: 3 },
  { id: "echo", kind: "local-stub", echo_call: true },
  { id: "tools", kind: "local-stub", tool_calls: [{ name: "get_weather", args: '{"city":"Paris"}' }] },
  { id: "reason", kind: "local-stub", reasoning_text: "The user greets; I should greet back.", text: "Hello!" },
  { id: "break", kind: "local-stub", stream_error_after_text_delta: true, chunks: 3 },
];
const weatherTool = { type: "function" as const, name: "get_weather", description: "Weather by city", parameters: { type: "object", properties: { city: { type: "string" } } }, strict: false };

let server: TestServer;
let client: OpenAI;

function sdk(url: string, apiKey = "test-key"): OpenAI {
  return new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 });
}

beforeAll(async () => {
  server = await startLipstd(testConfig(backends, { routing: { max_attempts: 1 }, features: { redact_secrets: { enabled: true } } }));
  client = sdk(server.url);
});

afterAll(async () => {
  await server.stop();
});

interface Echo {
  messages: Array<{ role: string; parts: Array<Record<string, any>> }>;
  tools: string[];
}

/** `store` is in the response object but not in the SDK's type. */
function storeOf(response: SdkResponse): unknown {
  return (response as unknown as { store?: unknown }).store;
}

function echoOf(response: SdkResponse): Echo {
  return JSON.parse(response.output_text) as Echo;
}

/** Each message as `role: text`, non-text parts as `[type]`. */
function transcript(echo: Echo): string[] {
  return echo.messages.map((message) => `${message.role}: ${message.parts.map((part) => (part.type === "text" ? part.text : `[${part.type}]`)).join(" ")}`);
}

async function rejectionOf(pending: PromiseLike<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await pending;
  } catch (thrown) {
    if (thrown instanceof OpenAI.APIError) return thrown;
    throw thrown;
  }
  throw new Error("expected the call to fail");
}

async function listAll(id: string, query: { limit?: number; order?: "asc" | "desc" } = {}, on = client): Promise<ResponseItem[]> {
  const items: ResponseItem[] = [];
  for await (const item of on.responses.inputItems.list(id, query)) items.push(item);
  return items;
}

describe("previous_response_id", () => {
  test("non-streaming: the backend gets the earlier turn, then the new input; the old instructions stay behind", async () => {
    const first = await client.responses.create({ model: "text:m", instructions: "Talk like a pirate.", input: "My name is Alice." });
    expect(storeOf(first)).toBe(true);
    expect(first.id).toMatch(/^resp_[0-9a-f]{32}$/);
    const second = await client.responses.create({ model: "echo:m", instructions: "Be terse.", previous_response_id: first.id, input: "What is my name?" });
    expect(transcript(echoOf(second))).toEqual(["system: Be terse.", "user: My name is Alice.", `assistant: ${stubText}`, "user: What is my name?"]);
    expect(second.previous_response_id).toBe(first.id);
    expect(second.instructions).toBe("Be terse.");
    expect(responseErrors(second)).toEqual([]);
  });

  test("streaming, turn by turn: each kept response holds the whole conversation up to it", async () => {
    const first = await client.responses.stream({ model: "text:m", input: "One." }).finalResponse();
    const second = await client.responses.stream({ model: "echo:m", previous_response_id: first.id, input: "Two." }).finalResponse();
    expect(second.previous_response_id).toBe(first.id);
    expect(transcript(echoOf(second))).toEqual(["user: One.", `assistant: ${stubText}`, "user: Two."]);
    const third = await client.responses.stream({ model: "echo:m", previous_response_id: second.id, input: "Three." }).finalResponse();
    expect(transcript(echoOf(third))).toEqual(["user: One.", `assistant: ${stubText}`, "user: Two.", `assistant: ${second.output_text}`, "user: Three."]);
  });

  test("a function call round trip: the second request sends only the function_call_output", async () => {
    const first = await client.responses.create({ model: "tools:m", input: "Weather in Paris?", tools: [weatherTool] });
    const call = first.output.find((item) => item.type === "function_call");
    if (call?.type !== "function_call") throw new Error("expected a function call");
    const second = await client.responses.create({
      model: "echo:m",
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: call.call_id, output: "18°C, cloudy" }],
    });
    const echo = echoOf(second);
    expect(echo.messages.map((message) => message.role)).toEqual(["user", "assistant", "tool"]);
    expect(echo.messages[1]!.parts.at(-1)).toEqual({ type: "tool_call", id: call.call_id, name: "get_weather", arguments: '{"city":"Paris"}' });
    expect(echo.messages[2]!.parts).toEqual([{ type: "tool_result", callId: call.call_id, isError: false, content: "18°C, cloudy" }]);
    // Tools are not carried over (as at OpenAI): the client sends them again when it wants them.
    expect(echo.tools).toEqual([]);
  });

  test("reasoning comes along with its signature, so the same provider family can verify it", async () => {
    const first = await client.responses.create({ model: "reason:m", input: "Hi" });
    const second = await client.responses.create({ model: "echo:m", previous_response_id: first.id, input: "Again" });
    expect(echoOf(second).messages[1]!.parts).toEqual([
      { type: "reasoning", text: "The user greets; I should greet back.", signature: { dialect: "local-stub", value: "stub-signature" } },
      { type: "text", text: "Hello!" },
    ]);
  });

  test("an unknown id is a typed NotFoundError with code previous_response_not_found, streaming or not", async () => {
    for (const stream of [false, true]) {
      const error = await rejectionOf(client.responses.create({ model: "text:m", previous_response_id: "resp_0123456789abcdef0123456789abcdef", input: "q", stream }));
      expect(error).toBeInstanceOf(OpenAI.NotFoundError);
      expect(error.code).toBe("previous_response_not_found");
      expect(error.param).toBe("previous_response_id");
    }
  });

  test("request stages apply to the carried history afresh, while the kept conversation is what the client sent", async () => {
    const secret = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123";
    const first = await client.responses.create({ model: "text:m", input: `my key is ${secret}` });
    const second = await client.responses.create({ model: "echo:m", previous_response_id: first.id, input: "and now?" });
    expect(transcript(echoOf(second))[0]).toBe("user: my key is [REDACTED]");
    const items = await listAll(second.id, { order: "asc" });
    expect(items[0]).toMatchObject({ type: "message", role: "user", content: [{ type: "input_text", text: `my key is ${secret}` }] });
  });
});

describe("retrieve, delete, input items, cancel", () => {
  test("responses.retrieve returns the response as the client saw it, streamed or not", async () => {
    const plain = await client.responses.create({ model: "text:m", input: "keep me", metadata: { topic: "kept" } });
    expect(await client.responses.retrieve(plain.id)).toEqual(plain);
    // The raw response.completed event: the stream helper's finalResponse() adds parsed fields.
    let completed: unknown;
    for await (const event of await client.responses.create({ model: "reason:m", input: "keep me too", stream: true })) {
      if (event.type === "response.completed") completed = event.response;
    }
    const { id } = completed as { id: string };
    const retrieved = await fetch(`${server.url}/v1/responses/${id}`, { headers: { authorization: "Bearer test-key" } });
    const body = await retrieved.json();
    expect(body).toEqual(completed);
    expect(responseErrors(body)).toEqual([]);
  });

  test("responses.delete answers response.deleted; afterwards the id is gone everywhere", async () => {
    const kept = await client.responses.create({ model: "text:m", input: "short-lived" });
    const raw = await fetch(`${server.url}/v1/responses/${kept.id}`, { method: "DELETE", headers: { authorization: "Bearer test-key" } });
    expect(raw.status).toBe(200);
    expect(await raw.json()).toEqual({ id: kept.id, object: "response.deleted", deleted: true });
    expect(await rejectionOf(client.responses.retrieve(kept.id))).toBeInstanceOf(OpenAI.NotFoundError);
    expect(await rejectionOf(client.responses.delete(kept.id))).toBeInstanceOf(OpenAI.NotFoundError);
    expect((await rejectionOf(client.responses.create({ model: "text:m", previous_response_id: kept.id, input: "q" }))).code).toBe("previous_response_not_found");

    const other = await client.responses.create({ model: "text:m", input: "deleted through the SDK" });
    await client.responses.delete(other.id);
    expect(await rejectionOf(client.responses.retrieve(other.id))).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("responses.inputItems.list: the conversation without instructions, newest first by default, paged by cursor", async () => {
    const first = await client.responses.create({ model: "tools:m", instructions: "Use tools.", input: "Weather in Paris?", tools: [weatherTool] });
    const call = first.output.find((item) => item.type === "function_call");
    if (call?.type !== "function_call") throw new Error("expected a function call");
    const second = await client.responses.create({
      model: "text:m",
      instructions: "Answer briefly.",
      previous_response_id: first.id,
      input: [{ type: "function_call_output", call_id: call.call_id, output: "18°C" }],
    });
    const ascending = await listAll(second.id, { order: "asc" });
    expect(ascending.map((item) => item.type)).toEqual(["message", "message", "function_call", "function_call_output"]);
    expect(ascending[0]).toMatchObject({ type: "message", role: "user", status: "completed", content: [{ type: "input_text", text: "Weather in Paris?" }] });
    expect(ascending[1]).toMatchObject({ type: "message", role: "assistant", content: [{ type: "output_text", text: stubText }] });
    expect(ascending[2]).toMatchObject({ type: "function_call", call_id: call.call_id, name: "get_weather", arguments: '{"city":"Paris"}' });
    expect(ascending[3]).toMatchObject({ type: "function_call_output", call_id: call.call_id, output: "18°C" });
    expect(new Set(ascending.map((item) => item.id)).size).toBe(4);

    const page = await client.responses.inputItems.list(second.id);
    expect(page.data.map((item) => item.id)).toEqual(ascending.map((item) => item.id).reverse());
    expect(page.has_more).toBe(false);
    expect(await listAll(second.id, { limit: 1, order: "asc" })).toEqual(ascending);
    expect((await listAll(second.id, { limit: 3 })).map((item) => item.id)).toEqual(ascending.map((item) => item.id).reverse());
  });

  test("bad list parameters are 400s naming the parameter", async () => {
    const kept = await client.responses.create({ model: "text:m", input: "q" });
    const cases: Array<[string, string]> = [["limit=0", "limit"], ["limit=101", "limit"], ["order=up", "order"], ["after=msg_nope", "after"]];
    for (const [query, param] of cases) {
      const response = await fetch(`${server.url}/v1/responses/${kept.id}/input_items?${query}`, { headers: { authorization: "Bearer test-key" } });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { param: string } }).error.param).toBe(param);
    }
  });

  test("cancel: a kept response has finished (400, it says why), an unknown one is 404; retrieve cannot stream", async () => {
    const kept = await client.responses.create({ model: "text:m", input: "q" });
    const cancel = await rejectionOf(client.responses.cancel(kept.id));
    expect(cancel).toBeInstanceOf(OpenAI.BadRequestError);
    expect(cancel.code).toBe("response_not_cancellable");
    expect(cancel.message).toContain("background");
    expect(await rejectionOf(client.responses.cancel("resp_unknown"))).toBeInstanceOf(OpenAI.NotFoundError);
    const streamed = await fetch(`${server.url}/v1/responses/${kept.id}?stream=true`, { headers: { authorization: "Bearer test-key" } });
    expect(streamed.status).toBe(400);
  });
});

describe("privacy", () => {
  test("store: false keeps nothing: store is false in the response and its id finds nothing", async () => {
    const plain = await client.responses.create({ model: "text:m", input: "forget me", store: false });
    const streamed = await client.responses.stream({ model: "text:m", input: "forget me too", store: false }).finalResponse();
    for (const response of [plain, streamed]) {
      expect(storeOf(response)).toBe(false);
      expect(await rejectionOf(client.responses.retrieve(response.id))).toBeInstanceOf(OpenAI.NotFoundError);
      expect((await rejectionOf(client.responses.create({ model: "text:m", previous_response_id: response.id, input: "q" }))).code).toBe("previous_response_not_found");
    }
  });

  test("previous_response_id with store: false continues without keeping the new turn", async () => {
    const first = await client.responses.create({ model: "text:m", input: "kept" });
    const second = await client.responses.create({ model: "echo:m", previous_response_id: first.id, input: "not kept", store: false });
    expect(transcript(echoOf(second))).toEqual(["user: kept", `assistant: ${stubText}`, "user: not kept"]);
    expect(await rejectionOf(client.responses.retrieve(second.id))).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test("another client's key finds nothing: no retrieve, list, delete or continuation", async () => {
    const kept = await client.responses.create({ model: "text:m", input: "mine" });
    const stranger = sdk(server.url, "someone-else");
    expect(await rejectionOf(stranger.responses.retrieve(kept.id))).toBeInstanceOf(OpenAI.NotFoundError);
    expect(await rejectionOf(stranger.responses.inputItems.list(kept.id))).toBeInstanceOf(OpenAI.NotFoundError);
    expect(await rejectionOf(stranger.responses.delete(kept.id))).toBeInstanceOf(OpenAI.NotFoundError);
    expect((await rejectionOf(stranger.responses.create({ model: "text:m", previous_response_id: kept.id, input: "q" }))).code).toBe("previous_response_not_found");
    expect((await client.responses.retrieve(kept.id)).id).toBe(kept.id);
  });

  test("a response that failed after output started is not kept", async () => {
    const response = await fetch(`${server.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer test-key" },
      body: JSON.stringify({ model: "break:m", input: "q", stream: true }),
    });
    const text = await response.text();
    expect(text).toContain("response.failed");
    const id = /"id":"(resp_[0-9a-f]{32})"/.exec(text)![1]!;
    expect(await rejectionOf(client.responses.retrieve(id))).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe("input token counting", () => {
  test("input_tokens counts the continued conversation too", async () => {
    const first = await client.responses.create({ model: "text:m", input: "a long first question ".repeat(50) });
    const count = async (body: Record<string, unknown>) => {
      const response = await fetch(`${server.url}/v1/responses/input_tokens`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer test-key" },
        body: JSON.stringify({ model: "text:m", ...body }),
      });
      return ((await response.json()) as { input_tokens: number }).input_tokens;
    };
    expect(await count({ input: "q", previous_response_id: first.id })).toBeGreaterThan((await count({ input: "q" })) + 100);
  });
});

describe("a stream that starts with keepalives before its first token", () => {
  test("is kept all the same", async () => {
    const slow = await startLipstd(
      testConfig([{ id: "slow", kind: "local-stub", ttft_ms: 120 }, ...backends], {
        server: { ...testConfig([]).server, stream_keepalive_interval: 30 },
      }),
    );
    try {
      const slowClient = sdk(slow.url);
      const first = await slowClient.responses.stream({ model: "slow:m", input: "take your time" }).finalResponse();
      expect((await slowClient.responses.retrieve(first.id)).output_text).toBe(stubText);
      const second = await slowClient.responses.create({ model: "echo:m", previous_response_id: first.id, input: "done?" });
      expect(transcript(echoOf(second))).toEqual(["user: take your time", `assistant: ${stubText}`, "user: done?"]);
    } finally {
      await slow.stop();
    }
  });
});

describe("continuity.stored_responses.enabled: false", () => {
  test("nothing is kept; previous_response_id is a 400 and the by-id routes say why they find nothing", async () => {
    const off = await startLipstd(testConfig(backends, { continuity: { stored_responses: { enabled: false } } }));
    try {
      const offClient = sdk(off.url);
      const response = await offClient.responses.create({ model: "text:m", input: "q" });
      expect(storeOf(response)).toBe(false);
      const continued = await rejectionOf(offClient.responses.create({ model: "text:m", previous_response_id: response.id, input: "q" }));
      expect(continued).toBeInstanceOf(OpenAI.BadRequestError);
      expect(continued.code).toBe("unsupported_parameter");
      const retrieved = await rejectionOf(offClient.responses.retrieve(response.id));
      expect(retrieved).toBeInstanceOf(OpenAI.NotFoundError);
      expect(retrieved.message).toContain("enabled is false");
    } finally {
      await off.stop();
    }
  });
});

describe("continuity.store: sqlite", () => {
  const dir = mkdtempSync(join(tmpdir(), "lipstd-stored-responses-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const sqliteConfig = (): ServerConfig => testConfig(backends, { continuity: { store: "sqlite", sqlite_path: join(dir, "lipstd.sqlite") } });

  test("kept responses survive a restart: retrieve, list and continue", async () => {
    const before = await startLipstd(sqliteConfig());
    let kept: SdkResponse;
    try {
      kept = await sdk(before.url).responses.stream({ model: "reason:m", instructions: "Be kind.", input: "Hi" }).finalResponse();
    } finally {
      await before.stop();
    }
    const after = await startLipstd(sqliteConfig());
    try {
      const restarted = sdk(after.url);
      const retrieved = await restarted.responses.retrieve(kept.id);
      expect(retrieved.output).toEqual(JSON.parse(JSON.stringify(kept.output, (key, value) => (key === "parsed" ? undefined : value))));
      expect(retrieved.instructions).toBe("Be kind.");
      expect((await listAll(kept.id, {}, restarted)).map((item) => item.type)).toEqual(["message"]);
      const next = await restarted.responses.create({ model: "echo:m", previous_response_id: kept.id, input: "Again" });
      expect(echoOf(next).messages[1]!.parts[0]).toMatchObject({ type: "reasoning", signature: { dialect: "local-stub", value: "stub-signature" } });
      expect(transcript(echoOf(next))).toEqual(["user: Hi", "assistant: [reasoning] Hello!", "user: Again"]);
    } finally {
      await after.stop();
    }
  });
});
