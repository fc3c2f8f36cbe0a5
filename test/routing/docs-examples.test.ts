import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { explainSelector } from "../../src/cli/reports.ts";
import { loadConfig } from "../../src/config/load.ts";
import * as registry from "../../src/registry.ts";

/** docs/routing.md stays runnable: its config loads and every example selector compiles against it. */

const root = join(import.meta.dir, "../..");
const doc = readFileSync(join(root, "docs/routing.md"), "utf8");
const config = loadConfig({ path: join(root, "config/examples/routing-local-stub.yaml"), env: {} });

function exampleSelectors(): string[] {
  const fromTable = [...doc.matchAll(/^\|[^|]+\|[^\n]*\| `([^`]+)` \|$/gm)].map((match) => match[1]!.replace(/\\\|/g, "|"));
  const fromShell = [...doc.matchAll(/^ask '([^']+)'/gm)].map((match) => match[1]!);
  return [...fromTable, ...fromShell];
}

describe("docs/routing.md examples", () => {
  test("the examples are found", () => {
    expect(exampleSelectors().length).toBeGreaterThan(15);
  });

  for (const selector of exampleSelectors()) {
    test(selector, () => {
      expect(() => explainSelector(config, registry.backendKinds, selector)).not.toThrow();
    });
  }

  test("the documented error messages are what the parser says", () => {
    expect(() => explainSelector(config, registry.backendKinds, "fast:m||deep:m")).toThrow("invalid route selector: empty failover arm at position 7");
    expect(doc).toContain("invalid route selector: empty failover arm at position 7");
  });
});
