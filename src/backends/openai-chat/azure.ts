import { Type } from "typebox";
import type { BackendConfig } from "../../core/backend-kind.ts";
import { chatBackendKind } from "./kind.ts";

const defaultApiVersion = "2024-10-21";

/**
 * Azure OpenAI: the Chat codec with an `api-key` header and Azure's URL. Classic form:
 * `{base_url}/openai/deployments/{deployment}/chat/completions?api-version=…`, the deployment
 * taken from `deployments: {model: deployment}` or the model name itself. `api_version: v1`
 * selects the newer `{base_url}/openai/v1/chat/completions` surface (model in the body).
 */
export function azureEndpoint(baseUrl: string, model: string, config: BackendConfig): string {
  const version = typeof config.api_version === "string" ? config.api_version : defaultApiVersion;
  const root = baseUrl.replace(/\/openai(\/v1)?$/, "");
  if (version === "v1") return `${root}/openai/v1/chat/completions`;
  const deployments = (config.deployments ?? {}) as Record<string, string>;
  const deployment = deployments[model] ?? model;
  return `${root}/openai/deployments/${encodeURIComponent(deployment)}/chat/completions?api-version=${encodeURIComponent(version)}`;
}

export const azureOpenaiKind = chatBackendKind({
  kind: "azure-openai",
  description: "Azure OpenAI Chat Completions: `base_url` is the resource endpoint (https://NAME.openai.azure.com), key in the api-key header.",
  defaultKeyEnv: "AZURE_OPENAI_API_KEY",
  authHeader: "api-key",
  endpoint: azureEndpoint,
  // GA api-versions accept max_completion_tokens and stream_options; the developer role only in newer ones.
  quirks: { developerAsSystem: true },
  family: "openai",
  options: {
    api_version: Type.Optional(Type.String({ minLength: 1, description: `Azure api-version query parameter (default ${defaultApiVersion}); "v1" uses the /openai/v1 surface.` })),
    deployments: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1 }), { description: "Model name → deployment name; unlisted models are used as deployment names." })),
  },
});
