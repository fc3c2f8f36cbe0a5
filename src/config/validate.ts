import Type from "typebox";
import Value, { DecodeUnsafe } from "typebox/value";
import type { BackendKind } from "../core/backend-kind.ts";
import { semanticIssues } from "./checks.ts";
import type { ConfigIssue } from "./errors.ts";
import { schemaIssues } from "./schema-issues.ts";
import { rootSchemaFor, type ConfigRegistry, type LipConfig } from "./schema.ts";
import { backendCommonProperties, backendSchemaFor } from "./sections/backends.ts";

/**
 * Schema validation of a parsed, env-expanded document: defaults first (so a defaulted key
 * is never "missing"), then every error collected, then codecs (durations, sizes) decoded
 * only when the whole document is valid. Each backend entry is checked against its own
 * kind's schema so errors name `backends[i].key` rather than a failed `anyOf`.
 */

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Unknown kind: still check the common keys, without claiming the others are unknown. */
const LooseBackend = Type.Object(backendCommonProperties, { additionalProperties: true });

function backendIssues(entry: unknown, index: number, kinds: readonly BackendKind[]): ConfigIssue[] {
  const path = `backends[${index}]`;
  if (!isObject(entry)) return [{ path, problem: "must be a mapping with at least `id` and `kind`" }];
  const kind = kinds.find((candidate) => candidate.kind === entry.kind);
  if (kind) {
    const schema = backendSchemaFor(kind);
    Value.Default(schema, entry);
    return schemaIssues(schema, entry, ["backends", index]);
  }
  Value.Default(LooseBackend, entry);
  const issues = schemaIssues(LooseBackend, entry, ["backends", index]);
  if (typeof entry.kind === "string") {
    const known = kinds.map((candidate) => candidate.kind);
    const list = known.length > 0 ? known.join(", ") : "none are registered";
    issues.push({ path: `${path}.kind`, problem: `unknown backend kind "${entry.kind}" (known: ${list})` });
  }
  return issues;
}

export interface Validation {
  issues: ConfigIssue[];
  config?: LipConfig;
}

/** Mutates `document` (defaults are filled in); returns every issue, or the decoded config. */
export function validateDocument(document: unknown, registry: ConfigRegistry, skipPaths: ReadonlySet<string> = new Set()): Validation {
  if (!isObject(document)) {
    return { issues: [{ path: "(root)", problem: "the configuration must be a YAML mapping (key: value)" }] };
  }
  const root = rootSchemaFor(registry, Type.Array(Type.Unknown(), { default: [] }));
  Value.Default(root, document);
  const issues = schemaIssues(root, document);
  const backends = Array.isArray(document.backends) ? document.backends : [];
  backends.forEach((entry, index) => issues.push(...backendIssues(entry, index, registry.backendKinds)));
  issues.push(...semanticIssues(document));

  // A value that failed env expansion already has its issue; its schema errors would repeat it.
  const reported = issues.filter((issue) => !skipPaths.has(issue.path));
  if (reported.length > 0 || skipPaths.size > 0) return { issues: reported };

  const decoded = DecodeUnsafe({}, root, document) as Record<string, unknown>;
  decoded.backends = backends.map((entry) => {
    const kind = registry.backendKinds.find((candidate) => candidate.kind === (entry as { kind: string }).kind)!;
    return DecodeUnsafe({}, backendSchemaFor(kind), entry);
  });
  return { issues: [], config: decoded as LipConfig };
}
