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

export interface BackendEnvironment {
  env: Record<string, string | undefined>;
  log: Logger;
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
