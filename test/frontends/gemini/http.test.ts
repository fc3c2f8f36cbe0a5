import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { RunningServer } from "../../../src/server/server.ts";
import { startStubServer } from "./server-helpers.ts";

/** Raw HTTP: what curl users and non-SDK clients see. */
let server: RunningServer;

beforeAll(async () => {
  server = await startStubServer([
    { id: "text", text: "alpha beta gamma", chunks: 3 },
    { id: "broken", text: "partial", stream_error_after_text_delta: true },
  ]);
});

afterAll(async () => {
  await server.stop();
});

const body = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });

function post(path: string, payload = body, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: "POST", body: payload, headers: { "content-type": "application/json", ...headers } });
}

describe("gemini over raw HTTP", () => {
  test("streamGenerateContent without alt=sse is one JSON array, streamed as application/json", async () => {
    const response = await post("/v1beta/models/text:stub-default:streamGenerateContent", body, { "x-goog-api-key": "k" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const elements = JSON.parse(await response.text());
    expect(Array.isArray(elements)).toBe(true);
    expect(elements.map((element: any) => element.candidates[0].content.parts[0].text).join("")).toBe("alpha beta gamma");
    expect(elements[elements.length - 1].candidates[0].finishReason).toBe("STOP");
  });

  test("with alt=sse (and ?key=) it is text/event-stream with one whole response per data line", async () => {
    const response = await post("/v1beta/models/text:stub-default:streamGenerateContent?alt=sse&key=abc");
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const frames = (await response.text()).split("\n\n").filter(Boolean);
    expect(frames.every((frame) => frame.startsWith("data: {"))).toBe(true);
    expect(JSON.parse(frames[frames.length - 1]!.slice(6)).candidates[0].finishReason).toBe("STOP");
  });

  test("a break after output closes the JSON array with an error element: still valid JSON", async () => {
    const response = await post("/v1beta/models/broken:stub-default:streamGenerateContent");
    const elements = JSON.parse(await response.text());
    expect(elements[0].candidates[0].content.parts[0].text).toBe("partial");
    expect(elements[elements.length - 1]).toEqual({ error: { code: 502, message: "local-stub stream broken after text delta", status: "UNAVAILABLE" } });
  });

  test("malformed JSON and unknown Gemini paths answer in Gemini's error shape", async () => {
    const malformed = await post("/v1beta/models/text:stub-default:generateContent", "{not json");
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).error.status).toBe("INVALID_ARGUMENT");
    const unknown = await post("/v1beta/models/openrouter/some-model:generateContent");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error).toMatchObject({ code: 404, status: "NOT_FOUND" });
    // Not served here (embedContent): the path reads as a model resource, which only answers GET.
    const unsupported = await post("/v1beta/models/text:stub-default:embedContent");
    expect(unsupported.status).toBe(405);
    expect(((await unsupported.json()) as any).error.status).toBe("INVALID_ARGUMENT");
  });

  test("countTokens accepts a generateContentRequest wrapper", async () => {
    const response = await post(
      "/v1beta/models/text:stub-default:countTokens",
      JSON.stringify({ generateContentRequest: { model: "models/text:stub-default", contents: [{ role: "user", parts: [{ text: "hi" }] }] } }),
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as any).totalTokens).toBeGreaterThan(0);
    const bad = await post("/v1beta/models/text:stub-default:countTokens", JSON.stringify({ contents: "nope" }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).error.message).toBe("contents: expected array, got string");
  });

  test("GET /v1/models is Gemini's listing for a Google client and stays OpenAI's otherwise", async () => {
    const google = (await (await fetch(`${server.url}/v1/models`, { headers: { "x-goog-api-key": "k" } })).json()) as any;
    expect(google.models.map((model: any) => model.name)).toEqual(["models/text:stub-default", "models/broken:stub-default"]);
    const withKey = (await (await fetch(`${server.url}/v1/models?key=k`)).json()) as any;
    expect(withKey.models).toHaveLength(2);
    const openai = (await (await fetch(`${server.url}/v1/models`, { headers: { authorization: "Bearer k" } })).json()) as any;
    expect(openai.object).toBe("list");
    const beta = (await (await fetch(`${server.url}/v1beta/models?pageSize=1`)).json()) as any;
    expect(beta).toEqual({
      models: [
        {
          name: "models/text:stub-default",
          displayName: "stub-default",
          description: "stub-default served by backend 'text'",
          supportedGenerationMethods: ["generateContent", "streamGenerateContent", "countTokens"],
        },
      ],
      nextPageToken: "1",
    });
    const badToken = await fetch(`${server.url}/v1beta/models?pageToken=zz`);
    expect(badToken.status).toBe(400);
  });

  test("an oversized body is a 413 in Gemini's shape, on countTokens as on generation", async () => {
    const small = await startStubServer([{ id: "text" }], 1, 1024);
    try {
      const big = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "x".repeat(4096) }] }] });
      for (const method of ["countTokens", "generateContent"]) {
        const response = await fetch(`${small.url}/v1beta/models/text:stub-default:${method}`, { method: "POST", body: big });
        expect(response.status).toBe(413);
        expect(((await response.json()) as any).error).toMatchObject({ code: 413, status: "INVALID_ARGUMENT" });
      }
    } finally {
      await small.stop();
    }
  });
});
