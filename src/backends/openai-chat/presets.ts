import { Type } from "typebox";
import type { BackendConfig } from "../../core/backend-kind.ts";
import { backendPrefixOption } from "../shared/common-options.ts";
import { chatBackendKind, type ChatPreset } from "./kind.ts";
import type { ChatQuirks } from "./request.ts";

/**
 * OpenAI-compatible Chat services: one codec, one data row each. Quirks follow each service's
 * compatibility docs; an entry can override them with `quirks:`.
 */

/** What most OpenAI-compatible servers accept: no `developer` role, `max_tokens`, usage chunk. */
const compatible: Partial<ChatQuirks> = { developerAsSystem: true, legacyMaxTokens: true, streamUsage: true };

/** OpenRouter attribution: HTTP-Referer (app URL) and the app title (X-Title, and its newer X-OpenRouter-Title name). */
function openrouterHeaders(config: BackendConfig): Record<string, string> {
  const headers: Record<string, string> = {};
  const url = typeof config.app_url === "string" ? config.app_url : undefined;
  const title = typeof config.app_title === "string" ? config.app_title : "lipstd";
  if (url) headers["http-referer"] = url;
  if (title) {
    headers["x-title"] = title;
    headers["x-openrouter-title"] = title;
  }
  return headers;
}

const rows: ChatPreset[] = [
  {
    kind: "openrouter",
    description: "OpenRouter (OpenAI-compatible Chat) with app attribution headers.",
    defaultBaseUrl: "https://openrouter.ai/api/v1",
    defaultKeyEnv: "OPENROUTER_API_KEY",
    quirks: compatible,
    configHeaders: openrouterHeaders,
    options: {
      app_url: Type.Optional(Type.String({ minLength: 1, description: "Sent as HTTP-Referer (OpenRouter app attribution)." })),
      app_title: Type.Optional(Type.String({ description: 'Sent as X-Title / X-OpenRouter-Title (default "lipstd"; empty string: none).' })),
    },
  },
  { kind: "nvidia", description: "NVIDIA NIM / build.nvidia.com (OpenAI-compatible Chat).", defaultBaseUrl: "https://integrate.api.nvidia.com/v1", defaultKeyEnv: "NVIDIA_API_KEY", quirks: compatible },
  { kind: "huggingface", description: "Hugging Face Inference Providers router (OpenAI-compatible Chat).", defaultBaseUrl: "https://router.huggingface.co/v1", defaultKeyEnv: "HF_TOKEN", quirks: compatible },
  { kind: "ollama", description: "Local Ollama through its /v1 OpenAI compatibility; key optional.", defaultBaseUrl: "http://127.0.0.1:11434/v1", defaultKeyEnv: "OLLAMA_API_KEY", keyOptional: true, quirks: compatible },
  { kind: "ollama-cloud", description: "Ollama's hosted API (OpenAI-compatible Chat).", defaultBaseUrl: "https://ollama.com/v1", defaultKeyEnv: "OLLAMA_API_KEY", quirks: compatible },
  {
    kind: "llamacpp",
    description: "llama.cpp llama-server (OpenAI-compatible Chat); key optional. Prior reasoning goes back as reasoning_content.",
    defaultBaseUrl: "http://127.0.0.1:8080/v1",
    defaultKeyEnv: "LLAMACPP_API_KEY",
    keyOptional: true,
    quirks: { ...compatible, reasoningContent: true },
  },
  { kind: "lmstudio", description: "LM Studio local server (OpenAI-compatible Chat); key optional.", defaultBaseUrl: "http://127.0.0.1:1234/v1", defaultKeyEnv: "LMSTUDIO_API_KEY", keyOptional: true, quirks: compatible },
  { kind: "vllm", description: "vLLM OpenAI-compatible server; key optional.", defaultBaseUrl: "http://127.0.0.1:8000/v1", defaultKeyEnv: "VLLM_API_KEY", keyOptional: true, quirks: compatible },
  {
    kind: "custom-openai-legacy-compatible",
    description: "Any server speaking OpenAI Chat Completions at `base_url` (required); keys from `api_key`/`api_keys`/`api_key_env_var_root` (optional).",
    keyOptional: true,
    quirks: compatible,
    options: { backend_prefix: Type.Optional(backendPrefixOption) },
  },
];

export const chatPresetKinds = rows.map(chatBackendKind);
