import type { TObject } from "typebox";
import type { BackendInstance, Logger } from "./codec.ts";

/** One `backends:` entry of the config, after validation. Kind-specific keys ride along. */
export interface BackendConfig {
  id: string;
  kind: string;
  enabled: boolean;
  base_url?: string;
  api_key?: string;
  api_keys?: string[];
  /** Env var root for keys (`NAME`, `NAME_2` … `NAME_32`); kinds have their own default. */
  api_key_env_var_root?: string;
  default_model?: string;
  models?: string[];
  [key: string]: unknown;
}

/**
 * Upstream HTTP behaviour shared by every backend (config `http_client`). Durations are
 * milliseconds; 0 means no limit.
 */
export interface HttpClientSettings {
  /** Honour HTTP(S)_PROXY / ALL_PROXY / NO_PROXY from the environment (never for loopback). */
  trustEnvironmentProxy: boolean;
  /** From sending the request to the response headers (connect + TLS + server think time). */
  responseHeaderTimeoutMs: number;
  /** Longest silence between two body chunks, the first one included. */
  streamIdleTimeoutMs: number;
  /** Whole attempt: headers and body. */
  totalTimeoutMs: number;
  /** How long an idle keep-alive connection stays pooled. */
  idleConnectionTimeoutMs: number;
  /** Most idle pooled connections (absent: the runtime's own bound). */
  maxIdleConnections?: number;
}

export const defaultHttpClientSettings: HttpClientSettings = {
  trustEnvironmentProxy: true,
  responseHeaderTimeoutMs: 120_000,
  streamIdleTimeoutMs: 300_000,
  totalTimeoutMs: 0,
  idleConnectionTimeoutMs: 90_000,
};

export interface BackendEnvironment {
  env: Record<string, string | undefined>;
  log: Logger;
  /** Absent: `defaultHttpClientSettings`. One object per server, so backends share one connection pool. */
  http?: HttpClientSettings;
}

/**
 * A backend kind in the registration table: its name, the TypeBox schema of its own config keys
 * (validated with the common keys so errors name the path), and a factory.
 */
export interface BackendKind {
  kind: string;
  description: string;
  defaultBaseUrl?: string;
  /** Model used when neither the route nor the entry's `default_model` names one. */
  defaultModel?: string;
  /** Kind-specific keys; unknown keys in a backend entry are a config error. */
  options?: TObject;
  /** Env var root for keys when the entry names none (e.g. OPENAI_API_KEY). */
  defaultKeyEnv?: string;
  create(config: BackendConfig, environment: BackendEnvironment): BackendInstance;
}
