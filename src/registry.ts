/**
 * The one registration table: every frontend (client dialect), backend kind and feature the
 * binary knows. Static imports only, so `bun build --compile` bundles all of them.
 * Adding a codec = one import and one line here.
 */
import { anthropicKind, azureAnthropicKind, customAnthropicCompatibleKind } from "./backends/anthropic/kind.ts";
import { bedrockKind } from "./backends/bedrock/kind.ts";
import { geminiKind } from "./backends/gemini/kind.ts";
import { vertexGeminiKind } from "./backends/gemini/vertex-kind.ts";
import { localStubKind } from "./backends/local-stub/local-stub.ts";
import { azureOpenaiKind } from "./backends/openai-chat/azure.ts";
import { openaiLegacyKind } from "./backends/openai-chat/kind.ts";
import { chatPresetKinds } from "./backends/openai-chat/presets.ts";
import { customOpenaiResponsesCompatibleKind, openaiResponsesKind } from "./backends/openai-responses/kind.ts";
import type { BackendKind } from "./core/backend-kind.ts";
import type { FrontendCodec } from "./core/codec.ts";
import type { FeatureDefinition } from "./core/pipeline/feature-definition.ts";
import { redactSecretsFeature } from "./features/redact-secrets.ts";
import { stripReasoningFeature } from "./features/strip-reasoning.ts";
import { anthropicFrontend } from "./frontends/anthropic/index.ts";
import { geminiFrontend } from "./frontends/gemini/index.ts";
import { openaiChatFrontend } from "./frontends/openai-chat/index.ts";
import { openaiResponsesFrontend } from "./frontends/openai-responses/index.ts";

export const frontends: readonly FrontendCodec[] = [openaiChatFrontend, openaiResponsesFrontend, anthropicFrontend, geminiFrontend];

export const backendKinds: readonly BackendKind[] = [localStubKind, openaiLegacyKind, bedrockKind, openaiResponsesKind, customOpenaiResponsesCompatibleKind, azureOpenaiKind, ...chatPresetKinds, anthropicKind, customAnthropicCompatibleKind, azureAnthropicKind, geminiKind, vertexGeminiKind];

export const features: readonly FeatureDefinition[] = [redactSecretsFeature, stripReasoningFeature];
