/** Parse tool-argument JSON text into an object for object-argument providers. */
export function argumentsObject(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return { value: parsed };
  } catch {
    // Policy: a model that emitted broken JSON keeps its text, so the next turn can see it.
    return { _raw_arguments: text };
  }
}
