import { type TObject, Type } from "typebox";
import type { BackendConfig, BackendEnvironment, BackendKind } from "../../core/backend-kind.ts";
import type { AttemptContext, BackendInstance } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import { LipError } from "../../core/model/errors.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
import { backendIdentity, type IdentityDefaults } from "../shared/backend-identity.ts";
import { requireBaseUrl } from "../shared/common-options.ts";
import { append, canonicalBatches, eachEvent } from "../shared/event-batches.ts";
import { discoverApiKeys, KeyPool } from "../shared/key-pool.ts";
import { keyedFetch } from "../shared/keyed-fetch.ts";
import { parseEventData, sseBatches } from "../shared/sse-stream.ts";
import { type UpstreamHttp, upstreamHttpFor } from "../shared/upstream-http.ts";
import { chatRequestBody, type ChatQuirks, openaiQuirks } from "./request.ts";
import { createChatStreamMapper } from "./stream.ts";

/** One OpenAI-compatible Chat service: the codec is shared; a preset is only data. */
export interface ChatPreset extends IdentityDefaults {
  description: string;
  defaultBaseUrl?: string;
  defaultKeyEnv?: string;
  quirks?: Partial<ChatQuirks>;
  /** Extra headers every request carries. */
  headers?: Record<string, string>;
  /** Servers that run without a key (local llama.cpp, Ollama). */
  keyOptional?: boolean;
  /** Header carrying the raw key instead of `Authorization: Bearer` (Azure: `api-key`). */
  authHeader?: string;
  /** Request URL for a model (default `{base_url}/chat/completions`); Azure puts deployments in the path. */
  endpoint?(baseUrl: string, model: string, config: BackendConfig): string;
  /** Headers derived from the entry's own options (OpenRouter attribution). */
  configHeaders?(config: BackendConfig): Record<string, string>;
  /** Kind-specific config keys besides `quirks` (always accepted). */
  options?: TObject["properties"];
}

interface ChatInstance {
  id: string;
  baseUrl: string;
  config: BackendConfig;
  preset: ChatPreset;
  pool: KeyPool | undefined;
  quirks: ChatQuirks;
  headers: Record<string, string>;
  http: UpstreamHttp;
}

async function* chatBatches(instance: ChatInstance, call: CanonicalCall, attempt: AttemptContext): AsyncGenerator<CanonicalEvent[]> {
  const { preset } = instance;
  const body = JSON.stringify(chatRequestBody(call, attempt.model, instance.quirks));
  const signal = instance.http.attemptSignal(attempt.signal);
  const response = await keyedFetch(instance.id, instance.pool, {
    url: preset.endpoint ? preset.endpoint(instance.baseUrl, attempt.model, instance.config) : `${instance.baseUrl}/chat/completions`,
    body,
    signal,
    http: instance.http,
    headers: (key) => ({
      "content-type": "application/json",
      accept: "text/event-stream",
      ...instance.headers,
      ...(key !== undefined && (preset.authHeader ? { [preset.authHeader]: key } : { authorization: `Bearer ${key}` })),
    }),
  });
  if (!response.body) throw new LipError("upstream", `upstream ${instance.id} sent no body`);
  const mapper = createChatStreamMapper(instance.id, attempt.model);
  yield* canonicalBatches(
    sseBatches(response.body, instance.id, { http: instance.http, signal }),
    (event, out) => {
      if (event.data === "[DONE]") return true;
      if (event.data !== "") mapper.map(parseEventData(event.data, instance.id) as Parameters<typeof mapper.map>[0], out);
      return false;
    },
    (out) => append(out, mapper.end()),
  );
}

/** Config `quirks: {developer_as_system, …}` over the preset's own. */
function quirksOf(preset: ChatPreset, config: BackendConfig): ChatQuirks {
  const overrides = (config.quirks ?? {}) as Record<string, boolean | undefined>;
  const quirks = { ...openaiQuirks, ...preset.quirks };
  if (overrides.developer_as_system !== undefined) quirks.developerAsSystem = overrides.developer_as_system;
  if (overrides.legacy_max_tokens !== undefined) quirks.legacyMaxTokens = overrides.legacy_max_tokens;
  if (overrides.stream_usage !== undefined) quirks.streamUsage = overrides.stream_usage;
  if (overrides.reasoning_content !== undefined) quirks.reasoningContent = overrides.reasoning_content;
  return quirks;
}

export function createChatBackend(preset: ChatPreset, config: BackendConfig, environment: BackendEnvironment): BackendInstance {
  const baseUrl = requireBaseUrl(config, preset.kind, preset.defaultBaseUrl);
  const { keys } = discoverApiKeys(config, environment.env, preset.defaultKeyEnv);
  const pool = keys.length > 0 || !preset.keyOptional ? new KeyPool(keys, config.id) : undefined;
  const instance: ChatInstance = {
    id: config.id,
    baseUrl,
    config,
    preset,
    pool,
    quirks: quirksOf(preset, config),
    headers: { ...preset.headers, ...preset.configHeaders?.(config) },
    http: upstreamHttpFor(environment),
  };
  return {
    ...backendIdentity(config, preset),
    stream: (call, attempt) => eachEvent(chatBatches(instance, call, attempt)),
    streamBatches: (call, attempt) => chatBatches(instance, call, attempt),
  };
}

const quirksOption = Type.Object(
  {
    developer_as_system: Type.Optional(Type.Boolean({ description: "Send `developer` messages as `system`." })),
    legacy_max_tokens: Type.Optional(Type.Boolean({ description: "Send `max_tokens` instead of `max_completion_tokens`." })),
    stream_usage: Type.Optional(Type.Boolean({ description: "Send `stream_options.include_usage`." })),
    reasoning_content: Type.Optional(Type.Boolean({ description: "Send prior reasoning back as `reasoning_content` on assistant messages." })),
  },
  { additionalProperties: false, description: "Override this kind's wire quirks." },
);

export function chatBackendKind(preset: ChatPreset): BackendKind {
  return {
    kind: preset.kind,
    description: preset.description,
    ...(preset.defaultBaseUrl && { defaultBaseUrl: preset.defaultBaseUrl }),
    ...(preset.defaultKeyEnv && { defaultKeyEnv: preset.defaultKeyEnv }),
    ...(preset.defaultModel && { defaultModel: preset.defaultModel }),
    options: Type.Object({ quirks: Type.Optional(quirksOption), ...preset.options }),
    create: (config, environment) => createChatBackend(preset, config, environment),
  };
}

export const openaiLegacyKind = chatBackendKind({
  kind: "openai-legacy",
  description: "OpenAI Chat Completions (api.openai.com or any base_url speaking it).",
  defaultBaseUrl: "https://api.openai.com/v1",
  defaultKeyEnv: "OPENAI_API_KEY",
  defaultModel: "gpt-4o-mini",
  family: "openai",
});
