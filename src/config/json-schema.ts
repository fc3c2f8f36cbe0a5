import { buildConfigSchema, type ConfigRegistry } from "./schema.ts";

/**
 * The config schema as a plain JSON Schema document for editors (`lipstd schema`). Keys that
 * have a default are dropped from `required` (the loader fills them in, so a file may omit
 * them); TypeBox internals (`~kind`, codecs) and loader-only hints are removed.
 */

const loaderOnly = new Set(["expected", "unknownKey"]);

function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (node === null || typeof node !== "object") return node;
  const source = node as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key.startsWith("~") || loaderOnly.has(key) || typeof value === "function") continue;
    out[key] = clean(value);
  }
  const properties = source.properties as Record<string, { default?: unknown }> | undefined;
  if (Array.isArray(out.required) && properties) {
    const required = (out.required as string[]).filter((key) => properties[key]?.default === undefined);
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

export function configJsonSchema(registry: ConfigRegistry): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "lipstd configuration",
    description: "YAML configuration of the lipstd LLM gateway. Strings may use ${ENV} and ${ENV:-default}.",
    ...(clean(buildConfigSchema(registry)) as Record<string, unknown>),
  };
}
