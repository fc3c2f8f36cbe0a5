import { type ConfigIssue, formatPath, type PathSegment } from "./errors.ts";

/**
 * `${NAME}` and `${NAME:-default}` in string values (never in keys), after YAML parsing so
 * comments and quoting are already resolved. `:-` uses the default when NAME is unset or
 * empty, like a shell. `$${` is a literal `${`. A missing variable without a default is an
 * issue naming the key and the variable; its path is recorded so schema errors caused by the
 * unexpanded text are not reported twice.
 */

export interface ExpansionResult {
  value: unknown;
  issues: ConfigIssue[];
  /** Paths (formatted) whose value could not be expanded. */
  failedPaths: Set<string>;
}

const reference = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s;

function expandString(text: string, env: Record<string, string | undefined>, problems: string[]): string {
  if (!text.includes("$")) return text;
  let out = "";
  let i = 0;
  while (i < text.length) {
    if (text.startsWith("$${", i)) {
      out += "${";
      i += 3;
      continue;
    }
    if (!text.startsWith("${", i)) {
      out += text[i];
      i += 1;
      continue;
    }
    const close = text.indexOf("}", i + 2);
    if (close < 0) {
      problems.push(`unclosed "\${" (write "$\${" for a literal)`);
      return text;
    }
    const inner = text.slice(i + 2, close);
    const match = reference.exec(inner);
    if (!match) {
      problems.push(`invalid environment reference "\${${inner}}" (expected \${NAME} or \${NAME:-default})`);
      return text;
    }
    const [, name, fallback] = match;
    const found = env[name!];
    if (fallback !== undefined) out += found ? found : fallback;
    else if (found !== undefined) out += found;
    else {
      problems.push(`environment variable ${name} is not set (use \${${name}:-default} for a fallback)`);
      return text;
    }
    i = close + 1;
  }
  return out;
}

export function expandEnv(value: unknown, env: Record<string, string | undefined>): ExpansionResult {
  const issues: ConfigIssue[] = [];
  const failedPaths = new Set<string>();
  const walk = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === "string") {
      const problems: string[] = [];
      const expanded = expandString(node, env, problems);
      if (problems.length > 0) {
        const formatted = formatPath(path);
        failedPaths.add(formatted);
        for (const problem of problems) issues.push({ path: formatted, problem });
      }
      return expanded;
    }
    if (Array.isArray(node)) return node.map((item, index) => walk(item, [...path, index]));
    if (node !== null && typeof node === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(node)) out[key] = walk(item, [...path, key]);
      return out;
    }
    return node;
  };
  return { value: walk(value, []), issues, failedPaths };
}
