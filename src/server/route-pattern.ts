/**
 * Decodes percent escapes; a malformed escape (`%E0%A4%A`) stays as written, as WHATWG URL
 * parsing leaves it, so a bad path is an unknown name (a 4xx downstream), never a thrown URIError.
 */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** Compiles `/v1beta/models/{model}:generateContent` into a matcher returning named segments. */
export function compilePattern(pattern: string): (pathname: string) => Record<string, string> | undefined {
  if (!pattern.includes("{")) return (pathname) => (pathname === pattern ? {} : undefined);
  const names: string[] = [];
  const source = pattern
    .split(/(\{[a-zA-Z_]+\})/)
    .map((piece) => {
      const name = /^\{([a-zA-Z_]+)\}$/.exec(piece)?.[1];
      if (!name) return piece.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      names.push(name);
      return "([^/]+?)";
    })
    .join("");
  const regex = new RegExp(`^${source}$`);
  return (pathname) => {
    const match = regex.exec(pathname);
    if (!match) return undefined;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = decodeSegment(match[i + 1]!);
    });
    return params;
  };
}
