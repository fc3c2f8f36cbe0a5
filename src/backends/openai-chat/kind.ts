import type { BackendConfig, BackendEnvironment, BackendKind } from "../../core/backend-kind.ts";
import type { AttemptContext, BackendInstance } from "../../core/codec.ts";
import type { CanonicalCall } from "../../core/model/call.ts";
import { LipError } from "../../core/model/errors.ts";
import type { CanonicalEvent } from "../../core/model/events.ts";
import { discoverApiKeys, KeyPool } from "../shared/key-pool.ts";
import { keyedFetch } from "../shared/keyed-fetch.ts";
import { sseEvents } from "../shared/sse-stream.ts";
import { chatRequestBody, type ChatQuirks, openaiQuirks } from "./request.ts";
import { createChatStreamMapper } from "./stream.ts";

/** One OpenAI-compatible Chat service: the codec is shared; a preset is only data. */
export interface ChatPreset {
  kind: string;
  description: string;
  defaultBaseUrl?: string;
  defaultKeyEnv?: string;
  defaultModel?: string;
  quirks?: Partial<ChatQuirks>;
  /** Extra headers every request carries (e.g. OpenRouter attribution). */
  headers?: Record<string, string>;
  /** Servers that run without a key (local llama.cpp, Ollama). */
  keyOptional?: boolean;
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}${path}`;
}

async function* chatStream(
  instance: { id: string; url: string; pool: KeyPool | undefined; quirks: ChatQuirks; headers: Record<string, string> },
  call: CanonicalCall,
  attempt: AttemptContext,
): AsyncGenerator<CanonicalEvent> {
  const body = JSON.stringify(chatRequestBody(call, attempt.model, instance.quirks));
  const response = await keyedFetch(instance.id, instance.pool, {
    url: instance.url,
    body,
    signal: attempt.signal,
    headers: (key) => ({
      "content-type": "application/json",
      accept: "text/event-stream",
      ...instance.headers,
      ...(key !== undefined && { authorization: `Bearer ${key}` }),
    }),
  });
  if (!response.body) throw new LipError("upstream", `upstream ${instance.id} sent no body`);
  const mapper = createChatStreamMapper(instance.id, attempt.model);
  for await (const event of sseEvents(response.body, instance.id)) {
    if (event.data === "[DONE]") break;
    if (event.data === "") continue;
    let chunk: unknown;
    try {
      chunk = JSON.parse(event.data);
    } catch {
      throw new LipError("upstream", `upstream ${instance.id} sent malformed JSON in its stream`, { code: "malformed_stream" });
    }
    yield* mapper.map(chunk as Parameters<typeof mapper.map>[0]);
  }
  yield* mapper.end();
}

export function createChatBackend(preset: ChatPreset, config: BackendConfig, environment: BackendEnvironment): BackendInstance {
  const baseUrl = config.base_url ?? preset.defaultBaseUrl;
  if (!baseUrl) throw new Error(`backends.${config.id}.base_url: required for kind ${preset.kind}`);
  const { keys } = discoverApiKeys(config, environment.env, preset.defaultKeyEnv);
  const pool = keys.length > 0 || !preset.keyOptional ? new KeyPool(keys, config.id) : undefined;
  const defaultModel = config.default_model ?? preset.defaultModel ?? "";
  const instance = {
    id: config.id,
    url: joinUrl(baseUrl, "/chat/completions"),
    pool,
    quirks: { ...openaiQuirks, ...preset.quirks },
    headers: { ...preset.headers },
  };
  const models = config.models ?? (defaultModel ? [defaultModel] : []);
  return {
    id: config.id,
    kind: preset.kind,
    defaultModel,
    models: () => models.map((id) => ({ id, backendId: config.id })),
    stream: (call, attempt) => chatStream(instance, call, attempt),
  };
}

export function chatBackendKind(preset: ChatPreset): BackendKind {
  return {
    kind: preset.kind,
    description: preset.description,
    ...(preset.defaultBaseUrl && { defaultBaseUrl: preset.defaultBaseUrl }),
    ...(preset.defaultKeyEnv && { defaultKeyEnv: preset.defaultKeyEnv }),
    ...(preset.defaultModel && { defaultModel: preset.defaultModel }),
    create: (config, environment) => createChatBackend(preset, config, environment),
  };
}

export const openaiLegacyKind = chatBackendKind({
  kind: "openai-legacy",
  description: "OpenAI Chat Completions (api.openai.com or any base_url speaking it).",
  defaultBaseUrl: "https://api.openai.com/v1",
  defaultKeyEnv: "OPENAI_API_KEY",
  defaultModel: "gpt-4o-mini",
});
