import { invalidSelector } from "./selector-error.ts";
import { parseCount, parseSeconds, parseTokens } from "./selector-numbers.ts";

/** Annotations read from a leaf's `[...]` prefixes; where each may appear is checked by the parser. */
export interface Annotations {
  weight?: number;
  first?: boolean;
  thinker?: boolean;
  handicapMs?: number;
  ttftTimeoutMs?: number;
  minContext?: number;
  maxContext?: number;
  positions: Partial<Record<AnnotationField, number>>;
  labels: Record<AnnotationField, string>;
}

export type AnnotationField = "weight" | "first" | "thinker" | "handicapMs" | "ttftTimeoutMs" | "minContext" | "maxContext";

const fieldByName: Record<string, AnnotationField> = {
  weight: "weight",
  first: "first",
  thinker: "thinker",
  handicap: "handicapMs",
  ttft_timeout: "ttftTimeoutMs",
  min_context: "minContext",
  max_context: "maxContext",
};

const labels: Record<AnnotationField, string> = {
  weight: "weight",
  first: "first",
  thinker: "thinker",
  handicapMs: "handicap",
  ttftTimeoutMs: "ttft_timeout",
  minContext: "min_context",
  maxContext: "max_context",
};

/** Reads the leading `[name=value]` annotations; returns them and the rest of the segment. */
export function parseAnnotations(segment: { text: string; position: number }): { annotations: Annotations; rest: { text: string; position: number } } {
  const annotations: Annotations = { positions: {}, labels };
  let offset = 0;
  const text = segment.text;
  for (;;) {
    while (offset < text.length && /\s/.test(text[offset]!)) offset++;
    if (text[offset] !== "[") break;
    const position = segment.position + offset;
    const close = text.indexOf("]", offset);
    if (close < 0) throw invalidSelector("unclosed annotation '['", position);
    const inner = text.slice(offset + 1, close).trim();
    offset = close + 1;
    if (inner === "") throw invalidSelector("empty annotation []", position);
    const equals = inner.indexOf("=");
    const name = (equals < 0 ? inner : inner.slice(0, equals)).trim();
    const value = equals < 0 ? undefined : inner.slice(equals + 1).trim();
    const field = Object.hasOwn(fieldByName, name) ? fieldByName[name] : undefined;
    if (!field) throw invalidSelector(`unknown annotation [${name}] (known: weight, first, thinker, handicap, ttft_timeout, min_context, max_context)`, position);
    if (annotations.positions[field] !== undefined) throw invalidSelector(`duplicate annotation [${name}]`, position);
    annotations.positions[field] = position;
    if (field === "first" || field === "thinker") {
      if (value !== undefined) throw invalidSelector(`annotation [${name}] takes no value`, position);
      annotations[field] = true;
      continue;
    }
    if (value === undefined || value === "") throw invalidSelector(`annotation [${name}] needs a value`, position);
    switch (field) {
      case "weight":
        annotations.weight = parseCount(name, value, position, 1_000_000);
        break;
      case "handicapMs":
        annotations.handicapMs = parseSeconds(name, value, position, { allowZero: true, max: 3600 });
        break;
      case "ttftTimeoutMs":
        annotations.ttftTimeoutMs = parseSeconds(name, value, position, { allowZero: false, max: 86_400 });
        break;
      case "minContext":
        annotations.minContext = parseTokens(name, value, position);
        break;
      case "maxContext":
        annotations.maxContext = parseTokens(name, value, position);
        break;
      default: {
        const exhaustive: never = field;
        return exhaustive;
      }
    }
  }
  return { annotations, rest: { text: text.slice(offset).trim(), position: segment.position + offset + (text.slice(offset).length - text.slice(offset).trimStart().length) } };
}
