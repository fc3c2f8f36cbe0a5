import Type from "typebox";
import type { BackendKind } from "../../src/core/backend-kind.ts";
import type { FeatureDefinition } from "../../src/core/pipeline/feature-definition.ts";
import type { ConfigRegistry } from "../../src/config/schema.ts";

/** A registration table for config tests, independent of which codecs the real one holds. */
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
