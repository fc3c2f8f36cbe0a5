import { resolveBackendKeys } from "../../config/credentials.ts";
import { LipError } from "../../core/model/errors.ts";
import { rememberSecret } from "../../core/redact.ts";

interface KeyState {
  key: string;
  dead: boolean;
  coolUntil: number;
}

/**
 * The API keys of one backend instance. Keys are used round-robin; a 401 marks a key dead
 * until restart, a 429 cools it for the provider's Retry-After (default 60 s). With no usable
 * key the attempt fails recoverably, so routing moves on to another backend.
 */
export class KeyPool {
  private readonly keys: KeyState[];
  private cursor = 0;

  constructor(
    keys: readonly string[],
    private readonly backendId: string,
    private readonly now: () => number = Date.now,
  ) {
    this.keys = [...new Set(keys)].map((key) => ({ key, dead: false, coolUntil: 0 }));
    // Error text from upstream passes through redactSecrets, which then removes these keys too.
    for (const key of keys) rememberSecret(key);
  }

  get size(): number {
    return this.keys.length;
  }

  /** The next usable key; throws a recoverable error naming why none is usable. */
  acquire(): string {
    const now = this.now();
    for (let step = 0; step < this.keys.length; step++) {
      const state = this.keys[(this.cursor + step) % this.keys.length]!;
      if (state.dead || state.coolUntil > now) continue;
      this.cursor = (this.cursor + step + 1) % this.keys.length;
      return state.key;
    }
    if (this.keys.length === 0) throw new LipError("authentication", `backend '${this.backendId}' has no API key configured`, { status: 503, recoverable: true, code: "no_api_key" });
    const cooling = this.keys.filter((state) => !state.dead).map((state) => state.coolUntil - now);
    if (cooling.length === 0) throw new LipError("authentication", `every API key of backend '${this.backendId}' was rejected (401)`, { status: 503, recoverable: true, code: "no_usable_key" });
    throw new LipError("rate_limited", `every API key of backend '${this.backendId}' is rate limited`, {
      recoverable: true,
      code: "keys_cooling",
      retryAfterMs: Math.max(0, Math.min(...cooling)),
    });
  }

  /** Like acquire, but when no key is left the previous upstream error (more telling) is thrown. */
  acquireOr(previous: LipError | undefined): string {
    try {
      return this.acquire();
    } catch (thrown) {
      if (previous && thrown instanceof LipError) {
        throw new LipError(previous.error.kind, previous.error.message, { ...previous.error, recoverable: true });
      }
      throw thrown;
    }
  }

  markDead(key: string): void {
    const state = this.keys.find((candidate) => candidate.key === key);
    if (state) state.dead = true;
  }

  coolDown(key: string, ms: number): void {
    const state = this.keys.find((candidate) => candidate.key === key);
    if (state) state.coolUntil = this.now() + ms;
  }

  /** How many keys are usable right now (for diagnostics; never the keys themselves). */
  usable(): number {
    const now = this.now();
    return this.keys.filter((state) => !state.dead && state.coolUntil <= now).length;
  }
}

/**
 * Keys of a backend: YAML `api_key`/`api_keys` win, else env `ROOT`, `ROOT_2` … `ROOT_32` up to
 * the first gap. One implementation with `lipstd routes` (config/credentials.ts), so the
 * credential posture it prints is what the backend really uses.
 */
export function discoverApiKeys(
  config: { api_key?: string; api_keys?: string[]; api_key_env_var_root?: string },
  env: Record<string, string | undefined>,
  defaultRoot?: string,
): { keys: string[]; source: "yaml" | "env" | "none" } {
  const { keys, source } = resolveBackendKeys(config, { defaultKeyEnv: defaultRoot }, env);
  return { keys, source };
}
