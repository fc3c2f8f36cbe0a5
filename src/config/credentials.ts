import type { BackendConfig, BackendKind } from "../core/backend-kind.ts";

/**
 * Where a backend's API keys come from. YAML (`api_key`, `api_keys`) wins; otherwise the env
 * pool `ROOT`, `ROOT_2` … `ROOT_32`, stopping at the first missing (or empty) one, with ROOT
 * from `api_key_env_var_root` or the kind's `defaultKeyEnv`. Backends build their key pools
 * with `resolveBackendKeys`; `lipstd routes` prints only the counts.
 */

export const maxEnvKeys = 32;

type Env = Record<string, string | undefined>;

/** `ROOT`, `ROOT_2` … `ROOT_32` in order, up to the first gap. */
export function discoverEnvKeys(env: Env, root: string): string[] {
  const keys: string[] = [];
  for (let n = 1; n <= maxEnvKeys; n++) {
    const value = env[n === 1 ? root : `${root}_${n}`];
    if (!value) break;
    keys.push(value);
  }
  return keys;
}

export type CredentialSource = "yaml" | "env" | "none";

export interface BackendCredentials {
  source: CredentialSource;
  /** Distinct keys in configured order. Never log these. */
  keys: string[];
  /** The env root that was searched (also when it held nothing). */
  envRoot?: string;
}

export function resolveBackendKeys(
  backend: Pick<BackendConfig, "api_key" | "api_keys" | "api_key_env_var_root">,
  kind: Pick<BackendKind, "defaultKeyEnv"> | undefined,
  env: Env,
): BackendCredentials {
  const yamlKeys = [...new Set([backend.api_key, ...(backend.api_keys ?? [])].filter((key): key is string => !!key))];
  const envRoot = backend.api_key_env_var_root ?? kind?.defaultKeyEnv;
  if (yamlKeys.length > 0) return { source: "yaml", keys: yamlKeys, envRoot };
  const envKeys = envRoot ? [...new Set(discoverEnvKeys(env, envRoot))] : [];
  return envKeys.length > 0 ? { source: "env", keys: envKeys, envRoot } : { source: "none", keys: [], envRoot };
}

export interface CredentialPosture {
  id: string;
  source: CredentialSource;
  keys: number;
}

/** What `routes` shows: where keys come from and how many, never the keys. */
export function credentialPosture(backend: BackendConfig, kind: Pick<BackendKind, "defaultKeyEnv"> | undefined, env: Env): CredentialPosture {
  const { source, keys } = resolveBackendKeys(backend, kind, env);
  return { id: backend.id, source, keys: keys.length };
}
