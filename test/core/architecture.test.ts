import { expect, test } from "bun:test";
import { Glob } from "bun";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");

/** Every import specifier in a TypeScript file (static, dynamic and type-only). */
function importsOf(file: string): string[] {
  const source = readFileSync(file, "utf8");
  return [...source.matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((match) => match[1]!);
}

function files(pattern: string): string[] {
  return [...new Glob(pattern).scanSync({ cwd: root })].map((file) => join(root, file));
}

test("src/core imports no frontend, backend, server, config or feature module", () => {
  const offenders = files("src/core/**/*.ts").flatMap((file) =>
    importsOf(file)
      .filter((specifier) => /(^|\/)(frontends|backends|server|config|features|sse|registry)(\/|\.ts|$)/.test(specifier) || specifier.endsWith("cli.ts"))
      .map((specifier) => `${file.slice(root.length + 1)} → ${specifier}`),
  );
  expect(offenders).toEqual([]);
});

test("frontends and backends never import each other (no pairwise translators), nor the server", () => {
  const offenders = [
    ...files("src/frontends/**/*.ts").flatMap((file) => importsOf(file).filter((s) => /\/(backends|server|config)\//.test(s)).map((s) => `${file} → ${s}`)),
    ...files("src/backends/**/*.ts").flatMap((file) => importsOf(file).filter((s) => /\/(frontends|server)\//.test(s)).map((s) => `${file} → ${s}`)),
  ];
  expect(offenders).toEqual([]);
});

test("the registration table uses only static imports (the compiled binary bundles them)", () => {
  const source = readFileSync(join(root, "src/registry.ts"), "utf8");
  expect(source).not.toMatch(/import\s*\(/);
  expect(source).not.toMatch(/require\s*\(/);
});
