import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import * as registrationTable from "../registry.ts";
import { defaultConfigSource, defaultConfigYaml } from "./default-config.ts";
import { expandEnv } from "./env-expand.ts";
import { ConfigError, type ConfigIssue } from "./errors.ts";
import type { ConfigRegistry, LipConfig } from "./schema.ts";
import { validateDocument } from "./validate.ts";

export { ConfigError } from "./errors.ts";
export type { ConfigIssue } from "./errors.ts";

type Env = Record<string, string | undefined>;

/**
 * An empty value (`server:` with every child commented out) means "unset", so defaults apply.
 * Under `features:` it means "on, with default settings".
 */
function normaliseEmpty(node: unknown, path: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((item, index) => normaliseEmpty(item, [...path, String(index)]));
  if (node === null || typeof node !== "object") return node;
  const underFeatures = path.length === 1 && path[0] === "features";
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (value === null) {
      if (underFeatures) out[key] = {};
      continue;
    }
    out[key] = normaliseEmpty(value, [...path, key]);
  }
  return out;
}

function yamlIssues(text: string): { value?: unknown; issues: ConfigIssue[] } {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length === 0) return { value: document.toJS({ maxAliasCount: 100 }), issues: [] };
  const issues = document.errors.map((error) => {
    const at = error.linePos?.[0];
    // Pretty messages end with " at line L, column C:" and a snippet; the path carries the position.
    const reason = (error.message.split("\n")[0] ?? error.message).replace(/ at line \d+, column \d+:?$/, "");
    return { path: at ? `line ${at.line}, column ${at.col}` : "(yaml)", problem: `YAML syntax error: ${reason}` };
  });
  return { issues };
}

/** Parse, expand `${ENV}`, validate. Throws ConfigError listing every problem. */
export function parseConfig(
  text: string,
  sourceName: string,
  env: Env = process.env,
  registry: ConfigRegistry = registrationTable,
): LipConfig {
  const parsed = yamlIssues(text);
  if (parsed.issues.length > 0) throw new ConfigError(sourceName, parsed.issues);
  const expanded = expandEnv(normaliseEmpty(parsed.value ?? {}), env);
  const validation = validateDocument(expanded.value, registry, expanded.failedPaths);
  const issues = [...expanded.issues, ...validation.issues];
  if (issues.length > 0 || !validation.config) throw new ConfigError(sourceName, issues);
  return validation.config;
}

export interface LoadOptions {
  /** YAML file; without it the embedded default config is used. */
  path?: string;
  env?: Env;
  registry?: ConfigRegistry;
}

export function loadConfig(options: LoadOptions = {}): LipConfig {
  const env = options.env ?? process.env;
  if (options.path === undefined) return parseConfig(defaultConfigYaml, defaultConfigSource, env, options.registry);
  let text: string;
  try {
    text = readFileSync(options.path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory" : (error as Error).message;
    throw new ConfigError(options.path, [{ path: "(file)", problem: `cannot read: ${reason}` }]);
  }
  return parseConfig(text, options.path, env, options.registry);
}
