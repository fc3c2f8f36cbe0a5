import type { TSchema } from "typebox";
import { Settings } from "typebox/system";
import Value from "typebox/value";
import { isSensitiveName } from "../core/redact.ts";
import { type ConfigIssue, formatPath, type PathSegment, pointerSegments } from "./errors.ts";

/**
 * TypeBox validation errors as `path: problem` lines a person can act on: unknown keys are
 * named one by one, a failed `anyOf` (durations, sizes) says which forms are accepted instead
 * of listing every branch, and the offending value is shown unless its key looks secret.
 */

type Annotated = TSchema & { expected?: string; unknownKey?: string; description?: string };

/** The sub-schema a TypeBox `schemaPath` (`#/properties/server/…`) points at. */
function schemaAt(root: TSchema, schemaPath: string): Annotated | undefined {
  let node: unknown = root;
  for (const raw of schemaPath.replace(/^#\/?/, "").split("/").filter(Boolean)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[raw.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return node !== null && typeof node === "object" ? (node as Annotated) : undefined;
}

function valueAt(value: unknown, segments: readonly PathSegment[]): unknown {
  let node = value;
  for (const segment of segments) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function shown(value: unknown, segments: readonly PathSegment[]): string {
  const last = segments.at(-1);
  if (typeof last === "string" && isSensitiveName(last)) return "";
  if (value === undefined) return "";
  const text = JSON.stringify(value) ?? String(value);
  return ` (got ${text.length > 60 ? `${text.slice(0, 57)}...` : text})`;
}

/** TypeBox stops at 8 errors by default; a config report must list them all. */
function allErrors(schema: TSchema, value: unknown) {
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: 10_000 });
  try {
    return Value.Errors(schema, value);
  } finally {
    Settings.Set({ maxErrors: previous });
  }
}

/** All problems of `value` against `schema`, paths prefixed with `prefix`. */
export function schemaIssues(schema: TSchema, value: unknown, prefix: readonly PathSegment[] = []): ConfigIssue[] {
  const errors = allErrors(schema, value);
  // A failed anyOf reports itself once; its branches' errors would only repeat it.
  const anyOfPaths = errors.filter((error) => error.keyword === "anyOf").map((error) => `${error.schemaPath}/anyOf/`);
  const issues: ConfigIssue[] = [];
  for (const error of errors) {
    if (anyOfPaths.some((path) => error.schemaPath.startsWith(path))) continue;
    // `additionalProperties: false` also yields a "schema is false" error per key; the keyword error names them.
    if (error.keyword === "boolean" && error.schemaPath.endsWith("/additionalProperties")) continue;
    const local = pointerSegments(error.instancePath, value);
    const segments = [...prefix, ...local];
    const got = shown(valueAt(value, local), segments);
    const target = schemaAt(schema, error.schemaPath);
    const add = (path: readonly PathSegment[], problem: string) => issues.push({ path: formatPath(path), problem });
    switch (error.keyword) {
      case "additionalProperties":
        for (const key of error.params.additionalProperties) add([...segments, key], target?.unknownKey ?? "unknown key");
        break;
      case "required":
        for (const key of (error.params as { requiredProperties: string[] }).requiredProperties) add([...segments, key], "required key is missing");
        break;
      case "enum":
        add(segments, `must be one of: ${error.params.allowedValues.map(String).join(", ")}${got}`);
        break;
      case "anyOf":
      case "pattern":
        add(segments, target?.expected ? `expected ${target.expected}${got}` : `${error.message}${got}`);
        break;
      default:
        add(segments, `${error.message}${got}`);
    }
  }
  return issues;
}
