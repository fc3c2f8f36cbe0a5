import type { ConfigIssue } from "./errors.ts";
import { addressPattern, parseAddress } from "./sections/server.ts";
import { applyAliases, selectorBackendIds } from "./selector-backends.ts";

/**
 * Rules a schema cannot say: unique backend ids, compilable alias patterns, a default route
 * that names configured, enabled backends, and at least one enabled backend. They run on the
 * defaulted but not yet trusted value, so every access is guarded and they can report next
 * to schema errors.
 */

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => value !== null && typeof value === "object" && !Array.isArray(value);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export function semanticIssues(config: Loose): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const backends = listOf(config.backends);

  const firstIndex = new Map<string, number>();
  backends.forEach((entry, index) => {
    if (!isObject(entry) || typeof entry.id !== "string") return;
    const earlier = firstIndex.get(entry.id);
    if (earlier === undefined) firstIndex.set(entry.id, index);
    else issues.push({ path: `backends[${index}].id`, problem: `duplicate backend id "${entry.id}" (also backends[${earlier}])` });
  });

  const enabled = new Set<string>();
  for (const entry of backends) if (isObject(entry) && entry.enabled !== false && typeof entry.id === "string") enabled.add(entry.id);
  // A backend_prefix names its backend in selectors too.
  const prefixed = new Set<string>();
  for (const entry of backends) if (isObject(entry) && entry.enabled !== false && typeof entry.backend_prefix === "string") prefixed.add(entry.backend_prefix);
  if (enabled.size === 0) {
    issues.push({ path: "backends", problem: backends.length === 0 ? "no backend configured (at least one enabled backend is required)" : "no enabled backend (at least one is required)" });
  }

  const aliases: Array<{ pattern: string; replacement: string }> = [];
  listOf(config.model_aliases).forEach((alias, index) => {
    if (!isObject(alias) || typeof alias.pattern !== "string") return;
    try {
      new RegExp(alias.pattern);
      if (typeof alias.replacement === "string") aliases.push({ pattern: alias.pattern, replacement: alias.replacement });
    } catch (error) {
      issues.push({ path: `model_aliases[${index}].pattern`, problem: `invalid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, "")}` });
      return;
    }
    if (typeof alias.replacement !== "string") return;
    const groups = new RegExp(`${alias.pattern}|`).exec("")!.length - 1;
    for (const match of alias.replacement.matchAll(/\$(\d+)/g)) {
      if (Number(match[1]) > groups) issues.push({ path: `model_aliases[${index}].replacement`, problem: `"$${match[1]}" but the pattern has ${groups} capture group(s)` });
    }
  });

  issues.push(...selectorNameIssues(backends));
  if (isObject(config.models)) {
    for (const [name, entry] of Object.entries(config.models)) {
      if (!isObject(entry) || typeof entry.backend !== "string") continue;
      if (!firstIndex.has(entry.backend)) issues.push({ path: `models.${name}.backend`, problem: `backend "${entry.backend}" is not configured` });
    }
  }
  const continuity = isObject(config.continuity) ? config.continuity : {};
  if (continuity.store === "sqlite" && typeof continuity.sqlite_path !== "string") {
    issues.push({ path: "continuity.sqlite_path", problem: "required when continuity.store is sqlite" });
  }

  const routing = isObject(config.routing) ? config.routing : {};
  if (typeof routing.default_route === "string") {
    const { ids, error } = selectorBackendIds(applyAliases(routing.default_route, aliases), new Set([...firstIndex.keys(), ...prefixed]));
    if (error) issues.push({ path: "routing.default_route", problem: error });
    for (const id of ids) {
      if (enabled.has(id) || prefixed.has(id)) continue;
      const problem = firstIndex.has(id) ? `backend "${id}" is disabled` : `backend "${id}" is not configured`;
      issues.push({ path: "routing.default_route", problem });
    }
  }

  const server = isObject(config.server) ? config.server : {};
  if (typeof server.address === "string" && new RegExp(addressPattern).test(server.address) && parseAddress(server.address) === undefined) {
    issues.push({ path: "server.address", problem: `port must be 0-65535 (got "${server.address}")` });
  }
  return issues;
}

/** A `backend_prefix` is a second selector name: it may not be another backend's id or prefix. */
function selectorNameIssues(backends: unknown[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const owner = new Map<string, string>();
  backends.forEach((entry) => {
    if (isObject(entry) && typeof entry.id === "string" && !owner.has(entry.id)) owner.set(entry.id, entry.id);
  });
  backends.forEach((entry, index) => {
    if (!isObject(entry) || typeof entry.id !== "string" || typeof entry.backend_prefix !== "string") return;
    const holder = owner.get(entry.backend_prefix);
    if (holder !== undefined && holder !== entry.id) {
      issues.push({ path: `backends[${index}].backend_prefix`, problem: `"${entry.backend_prefix}" is already the id or prefix of backend "${holder}"` });
    } else owner.set(entry.backend_prefix, entry.id);
  });
  return issues;
}
