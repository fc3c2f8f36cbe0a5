import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseArgs } from "../../src/cli/args.ts";
import { explainSelector } from "../../src/cli/reports.ts";
import { parseConfig } from "../../src/config/load.ts";
import * as registry from "../../src/registry.ts";

const config = parseConfig(
  "backends:\n  - { id: fast, kind: local-stub }\n  - { id: smart, kind: local-stub, default_model: big }\nmodel_aliases:\n  - { pattern: '^cheap$', replacement: 'fast:m1|smart:m2' }\n",
  "explain.yaml",
  {},
  registry,
);

describe("routes --explain", () => {
  test("failover arms in order, with weights as shares and [first] marked", () => {
    const plan = explainSelector(config, registry.backendKinds, "{ttft_timeout=20}[weight=3]fast:a^[first]smart:b|smart:c");
    expect(plan).toMatchObject({
      global_ttft_timeout_ms: 20_000,
      max_attempts: 3,
      arms: [
        { arm: 1, type: "weighted", branches: [{ weight: 3, share: "75.0%", target: { backend: "fast", model: "a" } }, { first: true, share: "25.0%" }] },
        { arm: 2, type: "single", candidate: { backend: "smart", model: "c" } },
      ],
    });
  });

  test("race legs show their start delays (max handicap − handicap) and leaf budgets", () => {
    const plan = explainSelector(config, registry.backendKinds, "[handicap=3][ttft_timeout=10]fast:a!smart:b");
    expect(plan.arms).toEqual([
      expect.objectContaining({
        type: "race",
        legs: [
          { backend: "fast", model: "a", start_delay_ms: 0, ttft_timeout_ms: 10_000 },
          { backend: "smart", model: "b", start_delay_ms: 3000 },
        ],
      }),
    ]);
  });

  test("aliases apply before compiling; model-only leaves get the first enabled backend", () => {
    expect(explainSelector(config, registry.backendKinds, "cheap").arms).toHaveLength(2);
    expect(explainSelector(config, registry.backendKinds, "some-model").arms).toEqual([{ arm: 1, type: "single", candidate: { backend: "fast", model: "some-model" } }]);
  });

  test("a thinker group lists its turn cycle", () => {
    expect(explainSelector(config, registry.backendKinds, "[thinker]smart:t^[weight=2]fast:x").arms).toEqual([expect.objectContaining({ thinker_cycle: [2, 2, 1] })]);
  });

  test("invalid selectors and unknown backends are errors naming the problem", () => {
    expect(() => explainSelector(config, registry.backendKinds, "fast:a||smart:b")).toThrow("invalid route selector: empty failover arm at position 7");
    expect(() => explainSelector(config, registry.backendKinds, "ghost:a")).toThrow("unknown or disabled backend 'ghost'");
  });

  test("--explain is a routes flag", () => {
    expect(parseArgs(["routes", "--explain", "a:m|b:m"])).toEqual({ kind: "run", verb: "routes", configPath: undefined, address: undefined, explain: "a:m|b:m" });
    expect(parseArgs(["serve", "--explain", "a:m"])).toMatchObject({ kind: "usage-error" });
  });

  test("the binary prints the plan and exits 0; a bad selector exits 1 with the message on stderr", async () => {
    const root = join(import.meta.dir, "../..");
    const ok = Bun.spawnSync([process.execPath, "src/cli.ts", "routes", "--explain", "stub:a|stub:b"], { cwd: root });
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout.toString()).explain.arms).toHaveLength(2);
    const bad = Bun.spawnSync([process.execPath, "src/cli.ts", "routes", "--explain", "stub:a|"], { cwd: root });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr.toString()).toContain("invalid route selector: empty failover arm at position 7");
  });
});
