import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../../package.json" with { type: "json" };
import { stageDefinitions } from "../../src/core/pipeline/stages.ts";
import * as registry from "../../src/registry.ts";

/** The CLI as a user runs it: a child process, its exit code, stdout and stderr. */

const root = join(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "lipstd-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const baseEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? dir };

async function run(args: string[], env: Record<string, string> = {}) {
  const proc = Bun.spawn([process.execPath, "src/cli.ts", ...args], { cwd: root, env: { ...baseEnv, ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

const good = file("good.yaml", "backends:\n  - id: stub\n    kind: local-stub\n");
const bad = file("bad.yaml", "servr: 1\nbackends:\n  - id: stub\n    kind: local-stub\n    chunkz: 2\n");

describe("check-config", () => {
  test("the embedded default is valid", async () => {
    expect(await run(["check-config"])).toEqual({ code: 0, stdout: "configuration is valid\n", stderr: "" });
  });

  test("an invalid file: exit 1, every problem on stderr, nothing on stdout", async () => {
    const result = await run(["check-config", "--config", bad]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith(`configuration invalid: ${bad}: 2 problems\n`);
    expect(result.stderr).toContain("  servr: unknown key\n");
    expect(result.stderr).toContain("  backends[0].chunkz: unknown key\n");
  });

  test("--config before or after the verb, --config=PATH, the last one wins", async () => {
    expect((await run(["--config", bad, "check-config"])).code).toBe(1);
    expect((await run(["--config", bad, "check-config", "--config", good])).code).toBe(0);
    expect((await run(["--config", good, "check-config", "--config", bad])).code).toBe(1);
    expect((await run([`--config=${good}`, "check-config"])).code).toBe(0);
    expect((await run(["check-config", `--config=${bad}`])).code).toBe(1);
  });

  test("the shipped reference config and examples are valid", async () => {
    for (const path of ["config/config.yaml", "config/examples/dogfood-local-stub.yaml"]) {
      expect(await run(["check-config", "--config", path])).toEqual({ code: 0, stdout: "configuration is valid\n", stderr: "" });
    }
  });

  test("a missing config file is a config error", async () => {
    const result = await run(["check-config", "--config", join(dir, "nope.yaml")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("cannot read: file not found");
  });
});

describe("routes", () => {
  test("default route, backends, aliases and key counts, never key values", async () => {
    const config = file(
      "routes.yaml",
      [
        "model_aliases:",
        "  - { pattern: '^fast$', replacement: 'second:quick' }",
        "backends:",
        "  - { id: first, kind: local-stub, default_model: m1, api_keys: [sk-yaml-secret-0000000001, sk-yaml-secret-0000000002] }",
        "  - { id: second, kind: local-stub, api_key_env_var_root: TEAM_KEY }",
        "  - { id: third, kind: local-stub, enabled: false }",
      ].join("\n"),
    );
    const result = await run(["routes", "--config", config], { TEAM_KEY: "env-secret-1", TEAM_KEY_2: "env-secret-2", TEAM_KEY_4: "unreached" });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      effective_default_route: "first:m1",
      backends: [
        { id: "first", kind: "local-stub", enabled: true },
        { id: "second", kind: "local-stub", enabled: true },
        { id: "third", kind: "local-stub", enabled: false },
      ],
      model_aliases: [{ pattern: "^fast$", replacement: "second:quick" }],
      credential_posture: [
        { id: "first", source: "yaml", keys: 2 },
        { id: "second", source: "env", keys: 2 },
        { id: "third", source: "none", keys: 0 },
      ],
    });
    expect(result.stdout).not.toContain("secret");
  });

  test("a provider kind reads its default env key pool, up to the first gap", async () => {
    const config = file("openai.yaml", "backends:\n  - { id: stub, kind: local-stub }\n  - { id: openai, kind: openai-legacy }\n");
    const env = { OPENAI_API_KEY: "sk-env-secret-000000000001", OPENAI_API_KEY_2: "sk-env-secret-000000000002", OPENAI_API_KEY_4: "sk-env-secret-000000000004" };
    const result = await run(["routes", "--config", config], env);
    expect(JSON.parse(result.stdout).credential_posture).toEqual([
      { id: "stub", source: "none", keys: 0 },
      { id: "openai", source: "env", keys: 2 },
    ]);
    expect(result.stdout).not.toContain("secret");
  });

  test("routing.default_route wins; without one the kind's default model is used", async () => {
    const routed = file("routed.yaml", "routing:\n  default_route: 'b:x|a:y'\nbackends:\n  - { id: a, kind: local-stub }\n  - { id: b, kind: local-stub }\n");
    expect(JSON.parse((await run(["routes", "--config", routed])).stdout).effective_default_route).toBe("b:x|a:y");
    expect(JSON.parse((await run(["routes"])).stdout).effective_default_route).toBe("stub:stub-default");
  });
});

describe("inventory", () => {
  test("registered codecs, the 16 stages in order with their policy, and the loaded limits", async () => {
    const config = file("limits.yaml", "server:\n  max_body_bytes: 1MiB\n  limits:\n    max_tools: 7\nbackends:\n  - { id: s, kind: local-stub }\n");
    const result = await run(["inventory", "--config", config]);
    expect(result.code).toBe(0);
    const inventory = JSON.parse(result.stdout);
    expect(inventory.frontends).toEqual(registry.frontends.map((frontend) => frontend.dialect));
    expect(inventory.backends).toEqual(registry.backendKinds.map((kind) => kind.kind));
    expect(inventory.backends).toContain("local-stub");
    expect(inventory.features).toEqual(registry.features.map((feature) => feature.name));
    expect(inventory.extensions.stages.map((stage: { name: string; policy: string }) => [stage.name, stage.policy])).toEqual(
      stageDefinitions.map((stage) => [stage.name, stage.policy]),
    );
    expect(inventory.server_limits).toEqual({
      max_body_bytes: 1024 * 1024,
      max_messages: 4096,
      max_parts_per_message: 2048,
      max_tools: 7,
      max_text_bytes: 8388608,
      max_json_depth: 64,
    });
  });
});

describe("schema and version", () => {
  test("schema is JSON Schema with the sections and each backend kind's own keys", async () => {
    const result = await run(["schema"]);
    expect(result.code).toBe(0);
    const schema = JSON.parse(result.stdout);
    expect(Object.keys(schema.properties)).toEqual(["server", "backends", "routing", "model_aliases", "models", "http_client", "continuity", "diagnostics", "logging", "features"]);
    const stub = schema.properties.backends.items.anyOf.find((branch: { properties: { kind: { const: string } } }) => branch.properties.kind.const === "local-stub");
    expect(stub.properties).toHaveProperty("text");
    expect(stub.properties).toHaveProperty("api_key_env_var_root");
    expect(stub.additionalProperties).toBe(false);
    // Keys with defaults may be omitted from a file, so the schema must not require them.
    expect(schema.properties.server.required).toBeUndefined();
    expect(stub.required).toEqual(["id", "kind"]);
  });

  test("version prints the package version", async () => {
    expect(await run(["version"])).toEqual({ code: 0, stdout: `lipstd ${packageJson.version}\n`, stderr: "" });
  });
});

describe("usage", () => {
  test("--help lists every verb and flag", async () => {
    const result = await run(["--help"]);
    expect(result.code).toBe(0);
    for (const word of ["serve", "check-config", "routes", "inventory", "schema", "version", "--config", "--address", "--help"]) {
      expect(result.stdout).toContain(word);
    }
  });

  test("unknown verb, unknown flag, missing flag value, bad --address: exit 2 with the help", async () => {
    for (const [args, message] of [
      [["frobnicate"], "unknown verb: frobnicate"],
      [["routes", "--verbose"], "unknown flag: --verbose"],
      [["check-config", "--config"], "--config needs a value"],
      [["routes", "inventory"], "unexpected argument: inventory"],
      [["check-config", "--address", "nonsense"], "--address: expected HOST:PORT"],
    ] as const) {
      const result = await run([...args]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(message);
      expect(result.stderr).toContain("Usage: lipstd");
    }
  });
});
