/**
 * The backend ids a route selector names, found without the full selector grammar (that is
 * the router's job): every leaf with a `:` names the backend before its first `:`. Leaves
 * sit between `|`, `^`, `!` and brackets; a leading `{…}` global block is skipped;
 * annotations like `[weight=3]` never contain `:`, so they are not mistaken for leaves.
 */
export function selectorBackendIds(selector: string): string[] {
  const body = selector.trim().replace(/^\{[^}]*\}/, "");
  const ids: string[] = [];
  for (const token of body.split(/[|^![\]]/)) {
    const colon = token.indexOf(":");
    if (colon < 0) continue;
    const id = token.slice(0, colon).trim();
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
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
