import Type from "typebox";
import type { BackendKind } from "../../src/core/backend-kind.ts";
import type { FeatureDefinition } from "../../src/core/pipeline/feature-definition.ts";
import { expect } from "bun:test";
import { ConfigError, parseConfig } from "../../src/config/load.ts";
import type { ConfigRegistry } from "../../src/config/schema.ts";

/** A registration table for config tests, independent of which codecs the real one holds, and loader helpers. */
const notCreatable = (): never => {
  throw new Error("config tests never create backends");
};

export const fakeStubKind: BackendKind = {
  kind: "local-stub",
  description: "fake stub",
  defaultModel: "stub-default",
  options: Type.Object({
    text: Type.Optional(Type.String()),
    chunks: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
  create: notCreatable,
};

export const fakeOpenAiKind: BackendKind = {
  kind: "openai-legacy",
  description: "fake openai",
  defaultKeyEnv: "OPENAI_API_KEY",
  options: Type.Object({ organization: Type.Optional(Type.String()) }),
  create: notCreatable,
};

export const fakeFeature: FeatureDefinition = {
  name: "redaction",
  description: "fake feature",
  options: Type.Object({ mode: Type.Optional(Type.Enum(["mask", "drop"])) }),
  create: () => undefined,
};

export const fakeRegistry: ConfigRegistry = {
  backendKinds: [fakeStubKind, fakeOpenAiKind],
  features: [fakeFeature],
};

export const minimal = "backends:\n  - id: stub\n    kind: local-stub\n";

export function parse(text: string, env: Record<string, string | undefined> = {}) {
  return parseConfig(text, "test.yaml", env, fakeRegistry);
}

/** The problem lines of a config that must be rejected. */
export function problems(text: string, env: Record<string, string | undefined> = {}): string[] {
  try {
    parse(text, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.problem}`);
  }
  throw new Error("config was accepted");
}
