/** The family's kind options as the config loader sees them: defaults filled, unknown keys named. */
import { describe, expect, test } from "bun:test";
import { ConfigError, parseConfig } from "../../../src/config/load.ts";

function load(backend: string): Record<string, unknown> {
  const config = parseConfig(`backends:\n  - ${backend}\n`, "test.yaml", {});
  return config.backends[0] as Record<string, unknown>;
}

function problems(backend: string): string[] {
  try {
    load(backend);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.problem}`);
    throw error;
  }
  return [];
}

describe("anthropic family config", () => {
  test("an anthropic entry gets the documented defaults", () => {
    expect(load("{ id: claude, kind: anthropic }")).toMatchObject({ anthropic_version: "2023-06-01", default_max_tokens: 8192, auth: "x-api-key", forward_client_beta: true, count_tokens: true });
  });

  test("kind options are checked: unknown keys, bad auth styles and bad versions are named", () => {
    expect(problems("{ id: claude, kind: anthropic, max_tokens_default: 5 }").join("\n")).toContain("backends[0].max_tokens_default");
    expect(problems("{ id: claude, kind: anthropic, auth: api-key }").join("\n")).toContain("backends[0].auth");
    expect(problems("{ id: claude, kind: anthropic, anthropic_version: latest }").join("\n")).toContain("backends[0].anthropic_version");
    expect(problems("{ id: claude, kind: anthropic, resource: r }").join("\n")).toContain("backends[0].resource");
  });

  test("azure-anthropic takes resource and api-key auth; custom-anthropic-compatible takes backend_prefix", () => {
    expect(load("{ id: foundry, kind: azure-anthropic, resource: my-res, auth: api-key, default_model: my-deployment }")).toMatchObject({ resource: "my-res", auth: "api-key" });
    expect(load("{ id: mine, kind: custom-anthropic-compatible, base_url: 'http://127.0.0.1:9/anthropic', backend_prefix: mine }")).toMatchObject({ backend_prefix: "mine" });
  });
});
