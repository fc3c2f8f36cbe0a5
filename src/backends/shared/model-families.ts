/**
 * Model-name families for auto-selection (a bare `model` with no selector and no `models:`
 * entry). Backends declare which family they serve; the router stays provider-neutral.
 */
const families = {
  openai: /^(gpt-|chatgpt-|o[1-9](-|$))/,
  anthropic: /^claude-/,
  gemini: /^gemini-/,
} as const;

export type ModelFamily = keyof typeof families;

/** A `servesModel` predicate for one family. */
export function servesFamily(family: ModelFamily): (model: string) => boolean {
  const pattern = families[family];
  return (model) => pattern.test(model);
}
