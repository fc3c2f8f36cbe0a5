import { Type } from "typebox";
import type { BackendKind } from "../../core/backend-kind.ts";
import { backendPrefixOption, requireBaseUrl } from "../shared/common-options.ts";
import { createMessagesBackend } from "./backend.ts";
import { messagesOptions } from "./options.ts";

export const anthropicKind: BackendKind = {
  kind: "anthropic",
  description: "Anthropic Messages API (api.anthropic.com): thinking with signatures, cache_control, tools, images, documents, count_tokens.",
  defaultBaseUrl: "https://api.anthropic.com",
  defaultKeyEnv: "ANTHROPIC_API_KEY",
  defaultModel: "claude-sonnet-4-6",
  options: messagesOptions(["x-api-key", "bearer"]),
  create: (config, environment) =>
    createMessagesBackend({ kind: "anthropic", defaultKeyEnv: "ANTHROPIC_API_KEY", defaultModel: "claude-sonnet-4-6", family: "anthropic" }, config, config.base_url ?? "https://api.anthropic.com", environment),
};

/** Any server speaking the Messages API at its own URL; a key is optional (local servers). */
export const customAnthropicCompatibleKind: BackendKind = {
  kind: "custom-anthropic-compatible",
  description: "Any Anthropic Messages-compatible server: `base_url` required; keys from `api_key(s)` or `api_key_env_var_root`.",
  options: messagesOptions(["x-api-key", "bearer"], {
    backend_prefix: Type.Optional(backendPrefixOption),
  }),
  create(config, environment) {
    const baseUrl = requireBaseUrl(config, "custom-anthropic-compatible");
    return createMessagesBackend({ kind: "custom-anthropic-compatible", keyOptional: true }, config, baseUrl, environment);
  },
};

/**
 * Claude in Microsoft Foundry: the same Messages API under
 * `https://<resource>.services.ai.azure.com/anthropic/v1/messages`; the model is the deployment
 * name. Auth is a Foundry key (`x-api-key`, or Azure's `api-key` header) or an Entra ID token
 * (`auth: bearer`, the token given as the key).
 */
export function foundryBaseUrl(resource: string): string {
  return `https://${resource}.services.ai.azure.com/anthropic`;
}

export const azureAnthropicKind: BackendKind = {
  kind: "azure-anthropic",
  description: "Claude in Microsoft Foundry (Azure): `resource` or `base_url`; model = deployment name; keys from ANTHROPIC_FOUNDRY_API_KEY.",
  defaultKeyEnv: "ANTHROPIC_FOUNDRY_API_KEY",
  options: messagesOptions(["x-api-key", "api-key", "bearer"], {
    resource: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9-]+$", description: "Foundry resource name: base_url becomes https://<resource>.services.ai.azure.com/anthropic." })),
  }),
  create(config, environment) {
    const resource = config.resource as string | undefined;
    if (resource && config.base_url) throw new Error(`backends.${config.id}: give either resource or base_url, not both`);
    const baseUrl = config.base_url ?? (resource ? foundryBaseUrl(resource) : undefined);
    if (!baseUrl) throw new Error(`backends.${config.id}: azure-anthropic needs resource or base_url`);
    return createMessagesBackend({ kind: "azure-anthropic", defaultKeyEnv: "ANTHROPIC_FOUNDRY_API_KEY", family: "anthropic" }, config, baseUrl, environment);
  },
};
