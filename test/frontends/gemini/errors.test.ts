import { describe, expect, test } from "bun:test";
import { type ErrorKind, LipError } from "../../../src/core/model/errors.ts";
import { encodeGeminiError } from "../../../src/frontends/gemini/errors.ts";

function encoded(kind: ErrorKind, extra: ConstructorParameters<typeof LipError>[2] = {}) {
  return encodeGeminiError(new LipError(kind, `${kind} happened`, extra).error);
}

describe("gemini error bodies", () => {
  test("each kind has Google's status name and the HTTP code as `code`", () => {
    const cases: Array<[ErrorKind, number, string]> = [
      ["invalid_request", 400, "INVALID_ARGUMENT"],
      ["authentication", 401, "UNAUTHENTICATED"],
      ["permission", 403, "PERMISSION_DENIED"],
      ["not_found", 404, "NOT_FOUND"],
      ["request_too_large", 413, "INVALID_ARGUMENT"],
      ["rate_limited", 429, "RESOURCE_EXHAUSTED"],
      ["internal", 500, "INTERNAL"],
      ["degraded", 503, "UNAVAILABLE"],
      ["timeout", 504, "DEADLINE_EXCEEDED"],
      ["upstream", 502, "UNAVAILABLE"],
    ];
    for (const [kind, status, name] of cases) {
      const error = encoded(kind);
      expect(error.status).toBe(status);
      expect(error.body).toEqual({ error: { code: status, message: `${kind} happened`, status: name } });
    }
  });

  test("an upstream 500 is INTERNAL; Anthropic's 529 overload is Gemini's 503 UNAVAILABLE", () => {
    expect(encoded("upstream", { status: 500 }).body).toEqual({ error: { code: 500, message: "upstream happened", status: "INTERNAL" } });
    const overloaded = encoded("overloaded");
    expect(overloaded.status).toBe(503);
    expect(overloaded.body).toEqual({ error: { code: 503, message: "overloaded happened", status: "UNAVAILABLE" } });
  });

  test("a 429 with a known delay carries RetryInfo (and retry-after) in whole seconds", () => {
    const error = encoded("rate_limited", { retryAfterMs: 25_200 });
    expect(error.body).toEqual({
      error: {
        code: 429,
        message: "rate_limited happened",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "26s" }],
      },
    });
    expect(error.headers).toEqual({ "retry-after": "26" });
  });

  test("error headers pass through", () => {
    expect(encoded("degraded", { headers: { "X-Llm-Proxy-Error-Class": "degraded" } }).headers).toEqual({ "X-Llm-Proxy-Error-Class": "degraded" });
  });
});
