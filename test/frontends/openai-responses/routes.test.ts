import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { TestServer } from "../../helpers/lipstd.ts";
import { fixture, parseSse, startStubServer } from "./helpers.ts";
import { eventErrors, responseErrors } from "./spec-shapes.ts";

let server: TestServer;

beforeAll(async () => {
  server = await startStubServer([
    { id: "text", chunks: 3 },
    { id: "tools", tool_calls: [{ name: "get_weather", args: '{"location":"San Francisco, CA"}' }] },
    { id: "echo", echo_call: true },
  ]);
});

afterAll(async () => {
  await server.stop();
});

/** A response body as loosely typed JSON, for assertions. */
async function json(response: Response): Promise<any> {
  return response.json();
}

function post(path: string, body: unknown): Promise<Response> {
  return fetch(server.url + path, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

describe("WebSocket upgrade refusal", () => {
  const upgradeHeaders = {
    upgrade: "websocket",
    connection: "Upgrade",
    "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    "sec-websocket-version": "13",
    "openai-beta": "responses_websockets=2026-02-04",
  };

  for (const path of ["/v1/responses", "/responses"]) {
    test(`GET ${path} with Upgrade: websocket answers 426 at once and closes`, async () => {
      const response = await fetch(server.url + path, { headers: upgradeHeaders });
      expect(response.status).toBe(426);
      expect(response.headers.get("connection")).toBe("close");
      expect(await json(response)).toEqual({
        error: {
          message: "WebSocket mode of the Responses API is not supported by this gateway; use HTTP POST with stream: true",
          type: "invalid_request_error",
          param: null,
          code: "websocket_not_supported",
        },
      });
    });
  }

  test("a plain GET is 405 with Allow: POST", async () => {
    const response = await fetch(server.url + "/v1/responses");
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect((await json(response)).error.code).toBe("method_not_allowed");
  });
});

describe("by-id routes for a response that was never kept", () => {
  const cases: Array<[string, string]> = [
    ["POST", "/v1/responses/resp_abc/cancel"],
    ["POST", "/responses/resp_abc/cancel"],
    ["GET", "/v1/responses/resp_abc"],
    ["DELETE", "/v1/responses/resp_abc"],
    ["GET", "/v1/responses/resp_abc/input_items"],
  ];
  for (const [method, path] of cases) {
    test(`${method} ${path} is 404 not found, saying why`, async () => {
      const response = await fetch(server.url + path, { method });
      expect(response.status).toBe(404);
      const body = await json(response);
      expect(body.error).toMatchObject({ type: "invalid_request_error", code: "response_not_found", param: "response_id" });
      expect(body.error.message).toContain("resp_abc");
      expect(body.error.message).toContain("store: false");
    });
  }
});

describe("input token counting", () => {
  test("POST /v1/responses/input_tokens answers response.input_tokens", async () => {
    const response = await post("/v1/responses/input_tokens", { model: "text:m", input: "How many tokens is this sentence?" });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.object).toBe("response.input_tokens");
    expect(body.input_tokens).toBeGreaterThan(0);
  });

  test("a longer input counts more tokens; bad input is a 400 in OpenAI shape", async () => {
    const short = await json(await post("/v1/responses/input_tokens", { model: "text:m", input: "hi" }));
    const long = await json(await post("/v1/responses/input_tokens", { model: "text:m", input: "hi ".repeat(400) }));
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens);
    const bad = await post("/v1/responses/input_tokens", { model: "text:m", input: [{ type: "item_reference", id: "x" }] });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toMatchObject({ type: "invalid_request_error", param: "input[0]" });
  });
});

describe("errors in OpenAI shape", () => {
  test("malformed JSON", async () => {
    const response = await post("/v1/responses", "{not json");
    expect(response.status).toBe(400);
    expect((await json(response)).error).toMatchObject({ type: "invalid_request_error", code: "invalid_json" });
  });

  test("an unknown previous_response_id is 404 previous_response_not_found", async () => {
    const response = await post("/v1/responses", { model: "text:m", input: "q", previous_response_id: "resp_1" });
    expect(response.status).toBe(404);
    expect((await json(response)).error).toEqual({
      message: "Previous response with id 'resp_1' not found.",
      type: "invalid_request_error",
      param: "previous_response_id",
      code: "previous_response_not_found",
    });
  });
});

describe("OpenResponses compliance-style requests", () => {
  const weatherTool = {
    type: "function",
    name: "get_weather",
    description: "Get the current weather for a location",
    parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  };
  const requests: Record<string, { model: string; input: unknown; tools?: unknown[]; stream?: boolean }> = {
    "basic-response": { model: "text:m", input: [{ type: "message", role: "user", content: "Say hello in exactly 3 words." }] },
    "system-prompt": {
      model: "text:m",
      input: [
        { type: "message", role: "system", content: "You are a pirate." },
        { type: "message", role: "user", content: "Say hello." },
      ],
    },
    "tool-calling": { model: "tools:m", input: [{ type: "message", role: "user", content: "Weather in San Francisco?" }], tools: [weatherTool] },
    "image-input": {
      model: "text:m",
      input: [
        {
          type: "message",
          role: "user",
          content: [
            { type: "input_text", text: "What is in this image?" },
            { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==" },
          ],
        },
      ],
    },
    "multi-turn": {
      model: "text:m",
      input: [
        { type: "message", role: "user", content: "My name is Alice." },
        { type: "message", role: "assistant", content: "Hello Alice!" },
        { type: "message", role: "user", content: "What is my name?" },
      ],
    },
  };

  for (const [name, request] of Object.entries(requests)) {
    test(`${name}: non-streaming response validates and completes`, async () => {
      const response = await post("/v1/responses", request);
      expect(response.status).toBe(200);
      const body = await json(response);
      expect(responseErrors(body)).toEqual([]);
      expect(body.status).toBe("completed");
      expect(body.output.length).toBeGreaterThan(0);
      if (name === "tool-calling") expect(body.output.some((item: { type: string }) => item.type === "function_call")).toBe(true);
    });
  }

  for (const name of ["basic-response", "tool-calling"]) {
    test(`${name}: streaming events validate and the last response completes`, async () => {
      const response = await post("/v1/responses", { ...requests[name], stream: true });
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      const events = parseSse(await response.text());
      expect(events.flatMap((event) => eventErrors(event.data))).toEqual([]);
      const last = events.at(-1)!.data;
      expect(last.type).toBe("response.completed");
      expect(responseErrors(last.response)).toEqual([]);
      if (name === "tool-calling") {
        const types = events.map((event) => event.data.type);
        expect(types).toContain("response.function_call_arguments.delta");
        expect(types).toContain("response.function_call_arguments.done");
        expect(events.some((event) => event.data.type === "response.output_item.added" && event.data.item.type === "function_call")).toBe(true);
      }
    });
  }
});

describe("a Codex request end to end", () => {
  test("streams to completion; the backend gets function tools only and the full history", async () => {
    const response = await post("/v1/responses", { ...fixture<Record<string, unknown>>("codex-request.json"), model: "echo:m" });
    expect(response.status).toBe(200);
    const events = parseSse(await response.text());
    expect(events.at(-1)!.data.type).toBe("response.completed");
    const text = events.find((event) => event.data.type === "response.output_text.done")!.data.text;
    const received = JSON.parse(text);
    expect(received.dialect).toBe("openai-responses");
    expect(received.tools).toEqual(["shell_command", "update_plan"]);
    expect(received.messages.map((message: { role: string }) => message.role)).toEqual(["system", "developer", "user", "user", "assistant", "tool", "assistant", "user"]);
    expect(received.messages[4].parts[0]).toMatchObject({ type: "reasoning", opaque: { dialect: "openai-responses" } });
    const warning = server.logs.find((line) => line.message.includes("dropped tools"));
    expect(warning?.level).toBe("warn");
    expect(warning?.fields?.types).toEqual(["namespace", "web_search", "custom"]);
  });
});
