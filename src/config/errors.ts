/** One problem found in a config: where (`backends[1].chunkz`) and what (`unknown key`). */
export interface ConfigIssue {
  path: string;
  problem: string;
}

/** Every problem of one config, thrown together so a user fixes them in one pass. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly source: string;
  readonly issues: readonly ConfigIssue[];

  constructor(source: string, issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super([`${source}: ${count}`, ...issues.map((issue) => `  ${issue.path}: ${issue.problem}`)].join("\n"));
    this.source = source;
    this.issues = issues;
  }
}

export type PathSegment = string | number;

/** `["backends", 1, "chunkz"]` → `backends[1].chunkz`; the root is `(root)`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let path = "";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) path += path ? `.${segment}` : segment;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path || "(root)";
}

/** A JSON pointer (`/backends/1/chunkz`) as segments; array indexes become numbers. */
export function pointerSegments(pointer: string, value: unknown): PathSegment[] {
  if (!pointer) return [];
  const segments: PathSegment[] = [];
  let node = value;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const index = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : undefined;
    segments.push(index ?? key);
    node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  }
  return segments;
}
