import { describe, expect, test } from "bun:test";
import { ConfigError, parseConfig } from "../../src/config/load.ts";
import * as registry from "../../src/registry.ts";
import { minimal, parse, problems } from "./helpers.ts";

/** The real registration table: the kinds' own option schemas are what is under test here. */
function realProblems(text: string): string[] {
  try {
    parseConfig(text, "test.yaml", {}, registry);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.problem}`);
  }
  throw new Error("config was accepted");
}

describe("http_client", () => {
  test("defaults: proxy trusted, 120 s header timeout, 5 min idle timeout, no total timeout", () => {
    expect(parse(minimal).http_client).toEqual({
      trust_environment_proxy: true,
      response_header_timeout: 120_000,
      stream_idle_timeout: 300_000,
      total_timeout: 0,
      idle_conn_timeout: 90_000,
    });
  });

  test("durations load as milliseconds; unknown keys are rejected", () => {
    const config = parse(`${minimal}http_client:\n  trust_environment_proxy: false\n  response_header_timeout: 30s\n  stream_idle_timeout: 90\n  max_idle_conns: 16\n`);
    expect(config.http_client).toMatchObject({ trust_environment_proxy: false, response_header_timeout: 30_000, stream_idle_timeout: 90_000, max_idle_conns: 16 });
    expect(problems(`${minimal}http_client:\n  conect_timeout: 5s\n`).join("\n")).toContain("http_client");
  });
});

describe("models table", () => {
  test("maps names to a configured backend and provider model id", () => {
    const config = parse(`${minimal}models:\n  fast:\n    backend: stub\n    provider_model_id: stub-small\n`);
    expect(config.models).toEqual({ fast: { backend: "stub", provider_model_id: "stub-small" } });
  });

  test("an entry naming an unknown backend or missing its provider model id is an error", () => {
    const found = problems(`${minimal}models:\n  fast:\n    backend: nowhere\n    provider_model_id: x\n  slow:\n    backend: stub\n`).join("\n");
    expect(found).toContain('models.fast.backend: backend "nowhere" is not configured');
    expect(found).toContain("models.slow");
  });
});

describe("kind options of the OpenAI family", () => {
  test("each kind accepts its own keys and rejects unknown ones", () => {
    const ok = `backends:
  - id: az
    kind: azure-openai
    base_url: https://res.openai.azure.com
    api_version: "2025-04-01-preview"
    deployments: { gpt-4o: prod-4o }
    quirks: { developer_as_system: false }
  - id: or
    kind: openrouter
    app_url: https://example.org
    app_title: Example
  - id: corp
    kind: custom-openai-legacy-compatible
    base_url: http://127.0.0.1:9000/v1
    backend_prefix: corp-chat
  - id: oa
    kind: openai-responses
    store: false
    organization: org-1
`;
    expect(() => parseConfig(ok, "ok.yaml", {}, registry)).not.toThrow();
    const found = realProblems(`backends:
  - id: az
    kind: azure-openai
    deployment: x
  - id: oa
    kind: openai-responses
    quirks: { developer_as_system: true }
  - id: ol
    kind: ollama
    quirks: { developer_as_sistem: true }
`).join("\n");
    expect(found).toContain("backends[0].deployment");
    expect(found).toContain("backends[1].quirks");
    expect(found).toContain("backends[2].quirks");
  });

  test("a backend_prefix may not take another backend's id or prefix", () => {
    const found = realProblems(`backends:
  - id: openai
    kind: openai-legacy
  - id: corp
    kind: custom-openai-legacy-compatible
    base_url: http://127.0.0.1:9000/v1
    backend_prefix: openai
  - id: lab
    kind: custom-openai-responses-compatible
    base_url: http://127.0.0.1:9001/v1
    backend_prefix: shared
  - id: lab2
    kind: custom-openai-responses-compatible
    base_url: http://127.0.0.1:9002/v1
    backend_prefix: shared
`).join("\n");
    expect(found).toContain('backends[1].backend_prefix: "openai" is already the id or prefix of backend "openai"');
    expect(found).toContain('backends[3].backend_prefix: "shared" is already the id or prefix of backend "lab"');
  });
});

test("routing.default_route may name a backend by its backend_prefix", () => {
  const text = `backends:
  - id: corp
    kind: custom-openai-legacy-compatible
    base_url: http://127.0.0.1:9000/v1
    backend_prefix: corp-chat
routing:
  default_route: corp-chat:qwen
`;
  expect(parseConfig(text, "t.yaml", {}, registry).routing.default_route).toBe("corp-chat:qwen");
});
