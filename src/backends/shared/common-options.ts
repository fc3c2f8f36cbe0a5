import { Type } from "typebox";

/** Option schemas several kinds share (each kind lists the ones it accepts in its `options`). */
export const backendPrefixOption = Type.String({
  pattern: "^[A-Za-z0-9_.-]+$",
  description: "Selector prefix clients write before `:` (e.g. `myco:model`), unique across backends; the id always works too.",
});

/** `base_url` is a common key; kinds that have no default check it at creation with this message. */
export function requireBaseUrl(config: { id: string; base_url?: string }, kind: string, fallback?: string): string {
  const baseUrl = config.base_url ?? fallback;
  if (!baseUrl) throw new Error(`backends.${config.id}.base_url: required for kind ${kind}`);
  return baseUrl.replace(/\/+$/, "");
}
