import { type TProperties, Type } from "typebox";
import type { BackendConfig } from "../../core/backend-kind.ts";
import type { RequestSettings } from "./request.ts";

export type AuthStyle = "x-api-key" | "bearer" | "api-key";

export const defaultVersion = "2023-06-01";
export const defaultMaxTokens = 8192;
/** Models that take `output_config.effort` (Opus 4.5 and later, Sonnet/Haiku 4.6 and later, every 5.x). */
export const defaultEffortModels = "^claude-(opus-4-[5-9]|sonnet-4-[6-9]|haiku-4-[6-9]|[a-z]+-[5-9]|mythos)";
/** Models that take `thinking: {type: "adaptive"}` (4.6 and later). */
export const defaultAdaptiveModels = "^claude-(opus-4-[6-9]|sonnet-4-[6-9]|haiku-4-[6-9]|[a-z]+-[5-9]|mythos)";

/** Keys every kind of the Messages family takes (TypeBox: the config rejects unknown keys). */
export function messagesOptions(auth: readonly AuthStyle[], extra: TProperties = {}) {
  return Type.Object({
    anthropic_version: Type.Optional(Type.String({
        pattern: "^\\d{4}-\\d{2}-\\d{2}$",
        default: defaultVersion,
        description: "The `anthropic-version` header sent on every request (from 2026-10-21 temperature/top_p/top_k are not sent).",
      })),
    anthropic_beta: Type.Optional(Type.Array(Type.String(), { description: "`anthropic-beta` values sent on every request." })),
    forward_client_beta: Type.Optional(
      Type.Boolean({ default: true, description: "Forward the client's `anthropic-beta` header when the client speaks the Anthropic dialect." }),
    ),
    auth: Type.Optional(
      Type.Union(
        auth.map((style) => Type.Literal(style)),
        { default: "x-api-key", description: "How the key is sent: `x-api-key` header, `Authorization: Bearer`, or Azure's `api-key` header." },
      ),
    ),
    default_max_tokens: Type.Optional(
      Type.Integer({ minimum: 1, default: defaultMaxTokens, description: "max_tokens sent when the client gives none (the Messages API requires it)." }),
    ),
    effort_models: Type.Optional(Type.String({ default: defaultEffortModels, description: "Regular expression: models that take `output_config.effort`." })),
    adaptive_thinking_models: Type.Optional(
      Type.String({ default: defaultAdaptiveModels, description: "Regular expression: models that take adaptive thinking when the client asks for reasoning without a budget." }),
    ),
    count_tokens: Type.Optional(Type.Boolean({ default: true, description: "Count tokens with `/v1/messages/count_tokens` (else lipstd estimates)." })),
    ...extra,
  });
}

export interface MessagesSettings {
  version: string;
  betas: string[];
  forwardClientBeta: boolean;
  auth: AuthStyle;
  countTokens: boolean;
  request: RequestSettings;
}

function pattern(config: BackendConfig, key: string, fallback: string): RegExp {
  const source = (config[key] as string | undefined) ?? fallback;
  try {
    return new RegExp(source);
  } catch (thrown) {
    throw new Error(`backends.${config.id}.${key}: invalid regular expression: ${(thrown as Error).message}`);
  }
}

/** Settings from a validated entry; hand-built test configs get the same defaults. */
export function messagesSettings(config: BackendConfig): MessagesSettings {
  const version = (config.anthropic_version as string | undefined) ?? defaultVersion;
  return {
    version,
    betas: (config.anthropic_beta as string[] | undefined) ?? [],
    forwardClientBeta: (config.forward_client_beta as boolean | undefined) ?? true,
    auth: (config.auth as AuthStyle | undefined) ?? "x-api-key",
    countTokens: (config.count_tokens as boolean | undefined) ?? true,
    request: {
      defaultMaxTokens: (config.default_max_tokens as number | undefined) ?? defaultMaxTokens,
      // Versions are ISO dates, so they compare as strings.
      samplingParameters: version < "2026-10-21",
      models: { effort: pattern(config, "effort_models", defaultEffortModels), adaptive: pattern(config, "adaptive_thinking_models", defaultAdaptiveModels) },
    },
  };
}
