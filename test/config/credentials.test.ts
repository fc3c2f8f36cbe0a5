import { describe, expect, test } from "bun:test";
import type { BackendConfig } from "../../src/core/backend-kind.ts";
import { credentialPosture, discoverEnvKeys, resolveBackendKeys } from "../../src/config/credentials.ts";
import { fakeOpenAiKind, fakeStubKind } from "./helpers.ts";

const entry = (extra: Partial<BackendConfig> = {}): BackendConfig => ({ id: "o", kind: "openai-legacy", enabled: true, ...extra });

describe("env key pools", () => {
  test("NAME, then NAME_2, NAME_3 … in order", () => {
    const env = { OPENAI_API_KEY: "k1", OPENAI_API_KEY_2: "k2", OPENAI_API_KEY_3: "k3" };
    expect(discoverEnvKeys(env, "OPENAI_API_KEY")).toEqual(["k1", "k2", "k3"]);
  });

  test("the first gap stops discovery; NAME_1 is not a name the pool reads", () => {
    const env = { OPENAI_API_KEY: "k1", OPENAI_API_KEY_2: "k2", OPENAI_API_KEY_4: "k4", OPENAI_API_KEY_1: "no" };
    expect(discoverEnvKeys(env, "OPENAI_API_KEY")).toEqual(["k1", "k2"]);
    expect(discoverEnvKeys({ OPENAI_API_KEY_2: "k2" }, "OPENAI_API_KEY")).toEqual([]);
  });

  test("an empty variable counts as missing", () => {
    expect(discoverEnvKeys({ K: "a", K_2: "", K_3: "c" }, "K")).toEqual(["a"]);
  });

  test("at most 32 keys", () => {
    const env: Record<string, string> = { K: "k1" };
    for (let n = 2; n <= 40; n++) env[`K_${n}`] = `k${n}`;
    const keys = discoverEnvKeys(env, "K");
    expect(keys).toHaveLength(32);
    expect(keys.at(-1)).toBe("k32");
  });
});

describe("where a backend's keys come from", () => {
  const env = { OPENAI_API_KEY: "env1", OPENAI_API_KEY_2: "env2", TEAM_KEY: "team1" };

  test("the kind's default env root", () => {
    expect(resolveBackendKeys(entry(), fakeOpenAiKind, env)).toEqual({ source: "env", keys: ["env1", "env2"], envRoot: "OPENAI_API_KEY" });
  });

  test("api_key_env_var_root overrides the kind's root", () => {
    expect(resolveBackendKeys(entry({ api_key_env_var_root: "TEAM_KEY" }), fakeOpenAiKind, env).keys).toEqual(["team1"]);
  });

  test("YAML keys win over env keys; api_key first, duplicates once", () => {
    const resolved = resolveBackendKeys(entry({ api_key: "y1", api_keys: ["y2", "y1"] }), fakeOpenAiKind, env);
    expect(resolved).toMatchObject({ source: "yaml", keys: ["y1", "y2"] });
  });

  test("no keys anywhere, or a kind without an env root", () => {
    expect(resolveBackendKeys(entry(), fakeOpenAiKind, {})).toMatchObject({ source: "none", keys: [] });
    expect(resolveBackendKeys(entry({ kind: "local-stub" }), fakeStubKind, env)).toMatchObject({ source: "none", keys: [] });
  });

  test("the posture shows counts, never keys", () => {
    const posture = credentialPosture(entry(), fakeOpenAiKind, env);
    expect(posture).toEqual({ id: "o", source: "env", keys: 2 });
    expect(JSON.stringify(posture)).not.toContain("env1");
  });
});
