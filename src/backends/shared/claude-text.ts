/**
 * Text rules of Claude (the Anthropic API, and Claude on Bedrock) that other providers do not
 * have, so histories from other dialects break them: "text content blocks must contain
 * non-whitespace text" and "final assistant content cannot end with trailing whitespace".
 */

/** Empty or whitespace-only text: Claude rejects such a block, and it says nothing. */
export function isBlankText(text: string): boolean {
  return text.trim() === "";
}

/** How to read and rewrite the text of one wire block (undefined: not a text block). */
export interface TextAccess<B> {
  get(block: B): string | undefined;
  with(block: B, text: string): B;
}

/**
 * A final assistant turn (a prefill) may not end in whitespace: its last block, when it is text,
 * is trimmed at the end, and left out when nothing remains (the turn too, when it empties).
 */
export function trimFinalAssistantText<B>(messages: Array<{ role?: string; content?: B[] }>, access: TextAccess<B>): void {
  const last = messages.at(-1);
  const block = last?.content?.at(-1);
  if (last?.role !== "assistant" || !last.content || block === undefined) return;
  const text = access.get(block);
  if (text === undefined || text === text.trimEnd()) return;
  const trimmed = text.trimEnd();
  if (trimmed === "") last.content.pop();
  else last.content[last.content.length - 1] = access.with(block, trimmed);
  if (last.content.length === 0) messages.pop();
}
