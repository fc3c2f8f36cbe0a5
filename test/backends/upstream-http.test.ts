import { afterAll, describe, expect, test } from "bun:test";
import { openaiResponsesKind } from "../../src/backends/openai-responses/kind.ts";
import { bypassesProxy, proxyFor } from "../../src/backends/shared/environment-proxy.ts";
import { type Emulator, startEmulator } from "../emulators/openai-responses.ts";
import { backendOf, environment, run, runError, userCall } from "./helpers.ts";

const emulators: Emulator[] = [];
function emulator(options: Parameters<typeof startEmulator>[0]): Emulator {
  const started = startEmulator(options);
  emulators.push(started);
  return started;
}
afterAll(async () => {
  await Promise.all(emulators.map((item) => item.stop()));
});

const ok = { reply: { text: "ok" } } as const;

describe("key pool through real HTTP", () => {
  test("a 401 kills the key and the next key answers at once; the dead key is never used again", async () => {
    const upstream = emulator({ script: [ok], rejectKeys: ["key-revoked-1"] });
    const backend = backendOf(openaiResponsesKind, { base_url: upstream.url, api_keys: ["key-revoked-1", "key-good-2"] });
    const first = await run(backend, userCall("a"));
    expect(first.response.parts).toEqual([{ type: "text", text: "ok" }]);
    await run(backend, userCall("b"));
    await run(backend, userCall("c"));
    expect(upstream.requests.map((request) => request.key)).toEqual(["key-revoked-1", "key-good-2", "key-good-2", "key-good-2"]);
  });

  test("a 429 cools the key for Retry-After seconds and the next key is used; an HTTP-date Retry-After counts too", async () => {
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    const upstream = emulator({
      script: (request) =>
        request.key === "key-a" ? { error: { status: 429, retryAfter: 30, code: "rate_limit_exceeded" } } : request.key === "key-b" ? { error: { status: 429, retryAfter: inTwoMinutes } } : ok,
    });
    const backend = backendOf(openaiResponsesKind, { base_url: upstream.url, api_keys: ["key-a", "key-b", "key-c"] });
    await run(backend, userCall("1"));
    expect(upstream.requests.map((request) => request.key)).toEqual(["key-a", "key-b", "key-c"]);
    // a and b are cooling: every later request goes straight to c.
    await run(backend, userCall("2"));
    expect(upstream.requests.slice(3).map((request) => request.key)).toEqual(["key-c"]);
  });

  test("when every key is dead or cooling the failure is recoverable, so failover moves on", async () => {
    const upstream = emulator({ script: (request) => (request.key === "key-x" ? { error: { status: 429, retryAfter: new Date(Date.now() + 90_000).toUTCString() } } : ok), rejectKeys: ["key-y"] });
    const backend = backendOf(openaiResponsesKind, { base_url: upstream.url, api_keys: ["key-x", "key-y"] });
    const first = await runError(backend, userCall("1"));
    expect(first.error.error.recoverable).toBe(true);
    const second = await runError(backend, userCall("2"));
    expect(second.error.error).toMatchObject({ kind: "rate_limited", recoverable: true, code: "keys_cooling" });
    // The HTTP-date was turned into a delay of about 90 s.
    expect(second.error.error.retryAfterMs).toBeGreaterThan(60_000);
    expect(second.error.error.retryAfterMs).toBeLessThanOrEqual(90_000);
    expect(upstream.requests).toHaveLength(2);
  });

  test("a backend with no key at all fails recoverably without calling upstream", async () => {
    const upstream = emulator({ script: [ok] });
    const backend = backendOf(openaiResponsesKind, { base_url: upstream.url }, environment({}));
    const { error } = await runError(backend, userCall("x"));
    expect(error.error).toMatchObject({ recoverable: true, code: "no_api_key" });
    expect(upstream.requests).toHaveLength(0);
  });

  test("5xx before output is recoverable; 400 is the client's and surfaces", async () => {
    const upstream = emulator({ script: [{ error: { status: 500 } }, { error: { status: 400, message: "bad field", code: "invalid_value" } }] });
    const backend = backendOf(openaiResponsesKind, { base_url: upstream.url, api_key: "k-1" });
    expect((await runError(backend, userCall("1"))).error.error).toMatchObject({ kind: "upstream", recoverable: true, status: 502 });
    expect((await runError(backend, userCall("2"))).error.error).toMatchObject({ kind: "invalid_request", recoverable: false, status: 400 });
  });
});

describe("http_client timeouts", () => {
  test("no response headers within response_header_timeout → recoverable timeout", async () => {
    const upstream = emulator({ script: [{ reply: { text: "late" }, headersDelayMs: 400 }] });
    const backend = backendOf(openaiResponsesKind, { base_url: upstream.url, api_key: "k" }, environment({}, { responseHeaderTimeoutMs: 60 }));
    const { error } = await runError(backend, userCall("x"));
    expect(error.error).toMatchObject({ kind: "timeout", recoverable: true, code: "upstream_headers_timeout", status: 504 });
  });

  test("headers then silence longer than stream_idle_timeout → timeout, and the upstream request is cancelled", async () => {
    const upstream = emulator({ script: [{ reply: { text: ["a", "b"] }, hangAfterFrames: 5 }, { reply: { text: "x" }, firstChunkDelayMs: 400 }] });
    const backend = backendOf(openaiResponsesKind, { base_url: upstream.url, api_key: "k" }, environment({}, { streamIdleTimeoutMs: 80 }));
    const stalled = await runError(backend, userCall("1"));
    expect(stalled.error.error).toMatchObject({ kind: "timeout", code: "upstream_idle_timeout" });
    expect(stalled.events.some((event) => event.type === "text_delta")).toBe(true);
    const silentStart = await runError(backend, userCall("2"));
    expect(silentStart.error.error.code).toBe("upstream_idle_timeout");
    expect(silentStart.events).toHaveLength(0);
    await Bun.sleep(20);
    expect(upstream.requests[0]!.aborted).toBe(true);
  });

  test("a stream that lasts several idle timeouts, with every gap under it, is not cut", async () => {
    const upstream = emulator({ script: [{ reply: { text: ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"] }, chunkDelayMs: 20 }] });
    const backend = backendOf(openaiResponsesKind, { base_url: upstream.url, api_key: "k" }, environment({}, { streamIdleTimeoutMs: 100 }));
    expect((await run(backend, userCall("1"))).response.parts).toEqual([{ type: "text", text: "abcdefghijkl" }]);
  });

  test("a slow but steady stream is not cut by the idle timeout; the total timeout bounds the whole attempt", async () => {
    const upstream = emulator({ script: [{ reply: { text: ["a", "b", "c", "d", "e"] }, chunkDelayMs: 15 }] });
    const steady = backendOf(openaiResponsesKind, { base_url: upstream.url, api_key: "k" }, environment({}, { streamIdleTimeoutMs: 150 }));
    expect((await run(steady, userCall("1"))).response.parts).toEqual([{ type: "text", text: "abcde" }]);
    const bounded = backendOf(openaiResponsesKind, { base_url: upstream.url, api_key: "k" }, environment({}, { totalTimeoutMs: 120 }));
    const { error } = await runError(bounded, userCall("2"));
    expect(error.error).toMatchObject({ kind: "timeout", code: "upstream_total_timeout" });
  });
});

describe("connections", () => {
  test("sequential requests reuse one keep-alive connection", async () => {
    const upstream = emulator({ script: [ok] });
    const backend = backendOf(openaiResponsesKind, { base_url: upstream.url, api_key: "k" });
    for (let i = 0; i < 3; i++) await run(backend, userCall(String(i)));
    expect(new Set(upstream.requests.map((request) => request.remotePort)).size).toBe(1);
  });

  test("a client abort mid-stream cancels the upstream request", async () => {
    const upstream = emulator({ script: [{ reply: { text: ["a", "b", "c", "d"] }, chunkDelayMs: 40 }] });
    const backend = backendOf(openaiResponsesKind, { base_url: upstream.url, api_key: "k" });
    const controller = new AbortController();
    const attempt = { model: "m", signal: controller.signal, aLegId: "a", bLegId: "b", clientHeaders: new Headers(), log: () => {} };
    const seen: string[] = [];
    try {
      for await (const event of backend.stream(userCall("x"), attempt)) {
        seen.push(event.type);
        if (event.type === "text_delta") controller.abort();
      }
    } catch {
      // cancelled
    }
    await Bun.sleep(30);
    expect(seen).toContain("text_delta");
    expect(upstream.requests[0]!.aborted).toBe(true);
  });
});

describe("environment proxy", () => {
  test("HTTP_PROXY carries non-loopback upstreams; loopback and NO_PROXY hosts connect directly", async () => {
    const proxy = emulator({ script: [{ reply: { text: "via proxy" } }] });
    const env = { HTTP_PROXY: proxy.origin, NO_PROXY: "internal.example" };
    const proxied = backendOf(openaiResponsesKind, { base_url: "http://api.upstream.example/v1", api_key: "k" }, environment(env));
    expect((await run(proxied, userCall("1"))).response.parts).toEqual([{ type: "text", text: "via proxy" }]);
    expect(proxy.requests[0]!.headers.host).toBe("api.upstream.example");
    expect(proxy.requests[0]!.path).toBe("/v1/responses");

    const direct = emulator({ script: [{ reply: { text: "direct" } }] });
    const local = backendOf(openaiResponsesKind, { base_url: direct.url, api_key: "k" }, environment({ HTTP_PROXY: "http://127.0.0.1:9" }));
    expect((await run(local, userCall("2"))).response.parts).toEqual([{ type: "text", text: "direct" }]);
  });

  test("proxy choice: scheme variables, ALL_PROXY, NO_PROXY forms, trust_environment_proxy: false", () => {
    const env = { HTTPS_PROXY: "http://proxy.corp:3128", http_proxy: "http://plain.corp:3128", NO_PROXY: ".internal.corp, exact.corp:8443, [::1]" };
    expect(proxyFor(new URL("https://api.openai.com/v1"), env, true)).toBe("http://proxy.corp:3128");
    expect(proxyFor(new URL("http://api.openai.com/v1"), env, true)).toBe("http://plain.corp:3128");
    expect(proxyFor(new URL("https://api.openai.com/v1"), env, false)).toBe(false);
    expect(proxyFor(new URL("https://models.internal.corp/v1"), env, true)).toBe(false);
    expect(proxyFor(new URL("https://exact.corp:8443/v1"), env, true)).toBe(false);
    expect(proxyFor(new URL("https://exact.corp/v1"), env, true)).toBe("http://proxy.corp:3128");
    expect(proxyFor(new URL("http://localhost:11434/v1"), env, true)).toBe(false);
    expect(proxyFor(new URL("http://127.8.0.1:8080/v1"), env, true)).toBe(false);
    expect(proxyFor(new URL("https://x.example"), { ALL_PROXY: "http://all:1" }, true)).toBe("http://all:1");
    expect(proxyFor(new URL("https://x.example"), { ALL_PROXY: "socks5://all:1" }, true)).toBe(false);
    expect(bypassesProxy(new URL("https://anything.example"), "*")).toBe(true);
  });
});
