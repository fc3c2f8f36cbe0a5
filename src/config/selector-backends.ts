import { LipError } from "../core/model/errors.ts";
import type { Arm, Leaf } from "../core/routing/selector-ast.ts";
import { parseSelector } from "../core/routing/selector-parser.ts";

function leavesOf(arm: Arm): Leaf[] {
  switch (arm.type) {
    case "leaf":
      return [arm.leaf];
    case "race":
      return arm.legs;
    case "weighted":
      return arm.branches.flatMap((branch) => (branch.target.type === "race" ? branch.target.legs : [branch.target.leaf]));
    default: {
      const exhaustive: never = arm;
      return exhaustive;
    }
  }
}

/**
 * The backend ids a route selector names, read with the router's own parser. A syntax error
 * comes back as `error` ("invalid route selector: … at position N"). `vendor/model:variant`
 * leaves name a model, not a backend, unless a backend with that id is configured.
 */
export function selectorBackendIds(selector: string, configured: ReadonlySet<string> = new Set()): { ids: string[]; error?: string } {
  try {
    const ids: string[] = [];
    for (const leaf of parseSelector(selector).arms.flatMap(leavesOf)) {
      const id = leaf.backend;
      if (id === undefined || (id.includes("/") && !configured.has(id))) continue;
      if (!ids.includes(id)) ids.push(id);
    }
    return { ids };
  } catch (thrown) {
    if (thrown instanceof LipError) return { ids: [], error: thrown.message };
    throw thrown;
  }
}

/** The selector after model aliases: the first pattern that matches rewrites it, once. */
export function applyAliases(selector: string, aliases: ReadonlyArray<{ pattern: string; replacement: string }>): string {
  for (const alias of aliases) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(alias.pattern);
    } catch {
      continue;
    }
    if (pattern.test(selector)) return selector.replace(pattern, alias.replacement);
  }
  return selector;
}
