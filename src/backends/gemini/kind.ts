import { Type } from "typebox";
import type { BackendConfig, BackendEnvironment, BackendKind } from "../../core/backend-kind.ts";
import { discoverApiKeys, KeyPool } from "../shared/key-pool.ts";
import { credentialSafeUrl } from "../shared/loopback.ts";
import { upstreamHttpFor } from "../shared/upstream-http.ts";
import { createGeminiInstance, defaultGeminiModel, type GeminiMethod } from "./backend.ts";
import { bareModel } from "./request.ts";

export const thinkingControlOption = Type.Optional(
  Type.Union([Type.Literal("auto"), Type.Literal("level"), Type.Literal("budget")], {
    default: "auto",
    description: "How reasoning effort reaches the model: `level` (thinkingLevel, Gemini 3+), `budget` (thinkingBudget, Gemini 2.5), `auto` by model name.",
  }),
);

const options = Type.Object({ thinking_control: thinkingControlOption });

/** `…/v1beta/models/{model}:method`; a base URL that already names an API version keeps it. */
export function geminiMethodUrl(baseUrl: string, model: string, method: GeminiMethod): string {
  const root = /\/v1(alpha|beta)?\d*$/.test(baseUrl) ? baseUrl : `${baseUrl}/v1beta`;
  const name = model.startsWith("tunedModels/") ? model : `models/${bareModel(model)}`;
  return `${root}/${name}:${method}${method === "streamGenerateContent" ? "?alt=sse" : ""}`;
}

function createGeminiBackend(config: BackendConfig, environment: BackendEnvironment) {
  const baseUrl = credentialSafeUrl(config.base_url ?? geminiKind.defaultBaseUrl!, `backends.${config.id}.base_url`);
  const { keys } = discoverApiKeys(config, environment.env, geminiKind.defaultKeyEnv);
  return createGeminiInstance(config, "gemini", upstreamHttpFor(environment), {
    url: (model, method) => geminiMethodUrl(baseUrl, model, method),
    auth: { pool: new KeyPool(keys, config.id) },
    countTokensBody: (request, model) => ({ generateContentRequest: { model: `models/${bareModel(model)}`, ...request } }),
  });
}

export const geminiKind: BackendKind = {
  kind: "gemini",
  description: "Google Gemini API (generativelanguage.googleapis.com): streamGenerateContent over SSE, API keys from GEMINI_API_KEY*.",
  defaultBaseUrl: "https://generativelanguage.googleapis.com",
  defaultKeyEnv: "GEMINI_API_KEY",
  defaultModel: defaultGeminiModel,
  options,
  create: createGeminiBackend,
};
