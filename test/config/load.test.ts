import { describe, expect, test } from "bun:test";
import { loadConfig } from "../../src/config/load.ts";
import { fakeRegistry, minimal, parse, problems } from "./helpers.ts";

describe("defaults", () => {
  test("a config naming only a backend gets every documented default", () => {
    const config = parse(minimal);
    expect(config.server).toEqual({
      address: "127.0.0.1:8080",
      max_body_bytes: 8388608,
      stream_keepalive_interval: 15000,
      limits: { max_messages: 4096, max_parts_per_message: 2048, max_tools: 2048, max_text_bytes: 8388608, max_json_depth: 64 },
    });
    expect(config.routing).toEqual({
      max_attempts: 3,
      retry: { max_retries: 0, initial_backoff: 250, max_backoff: 5000 },
      health: { circuit_breaker: { enabled: false, failure_threshold: 5, open_for: 30_000 }, degraded_signal: "[LLM_PROXY_PROVIDER_DEGRADED]", test_mode: false },
    });
    expect(config.continuity).toEqual({ store: "memory", max_legs: 100_000, ttl: 0, stored_responses: { enabled: true, max_entries: 10_000, max_bytes: 256 * 1024 * 1024, ttl: 30 * 86_400_000 } });
    expect(config.diagnostics).toEqual({
      enabled: false,
      health_path: "/diagnostics/health",
      attempts_path: "/diagnostics/attempts",
      route_trace_path: "/diagnostics/route-trace",
    });
    expect(config.model_aliases).toEqual([]);
    expect(config.logging).toEqual({ level: "info", format: "text" });
    expect(config.features).toEqual({});
    expect(config.backends).toEqual([{ id: "stub", kind: "local-stub", enabled: true }]);
  });

  test("durations and sizes load as milliseconds and bytes", () => {
    const config = parse(`server:\n  stream_keepalive_interval: 1m30s\n  max_body_bytes: 2MiB\n  limits:\n    max_text_bytes: 1000\n${minimal}`);
    expect(config.server.stream_keepalive_interval).toBe(90_000);
    expect(config.server.max_body_bytes).toBe(2 * 1024 * 1024);
    expect(config.server.limits.max_text_bytes).toBe(1000);
    expect(parse(`server:\n  stream_keepalive_interval: 0.5\n${minimal}`).server.stream_keepalive_interval).toBe(500);
    expect(parse(`server:\n  stream_keepalive_interval: 250ms\n${minimal}`).server.stream_keepalive_interval).toBe(250);
  });

  test("kind-specific keys ride along on the backend entry", () => {
    const config = parse("backends:\n  - id: s\n    kind: local-stub\n    text: hello\n    chunks: 2\n");
    expect(config.backends[0]).toMatchObject({ id: "s", text: "hello", chunks: 2, enabled: true });
  });

  test("an empty section (all children commented out) means defaults; an empty feature means on", () => {
    const config = parse(`server:\n  # address: 0.0.0.0:9\nfeatures:\n  redaction:\n${minimal}`);
    expect(config.server.address).toBe("127.0.0.1:8080");
    expect(config.features).toEqual({ redaction: {} });
  });

  test("the embedded default loads: one local-stub backend on 127.0.0.1:8080", () => {
    const config = loadConfig({ env: {}, registry: fakeRegistry });
    expect(config.server.address).toBe("127.0.0.1:8080");
    expect(config.backends).toEqual([{ id: "stub", kind: "local-stub", enabled: true }]);
  });
});

describe("environment expansion", () => {
  test("${VAR} and ${VAR:-default} expand in string values", () => {
    const config = parse(
      "server:\n  address: ${HOST:-127.0.0.1}:${PORT}\nbackends:\n  - id: o\n    kind: openai-legacy\n    api_key: ${KEY}\n    base_url: ${BASE:-https://api.example/v1}\n",
      { PORT: "9000", KEY: "sk-test" },
    );
    expect(config.server.address).toBe("127.0.0.1:9000");
    expect(config.backends[0]?.api_key).toBe("sk-test");
    expect(config.backends[0]?.base_url).toBe("https://api.example/v1");
  });

  test("the default also applies when the variable is empty; $${ is a literal", () => {
    const config = parse("backends:\n  - id: s\n    kind: local-stub\n    text: ${EMPTY:-fallback} costs $${X}\n", { EMPTY: "" });
    expect(config.backends[0]?.text).toBe("fallback costs ${X}");
  });

  test("a missing variable without default names the key path and the variable", () => {
    const lines = problems("backends:\n  - id: o\n    kind: openai-legacy\n    api_key: ${OPENAI_API_KEY}\n");
    expect(lines).toEqual(["backends[0].api_key: environment variable OPENAI_API_KEY is not set (use ${OPENAI_API_KEY:-default} for a fallback)"]);
  });

  test("the config file's text is not re-read as YAML after expansion", () => {
    const config = parse("backends:\n  - id: s\n    kind: local-stub\n    text: ${T}\n", { T: "a: b\n- c" });
    expect(config.backends[0]?.text).toBe("a: b\n- c");
  });
});
