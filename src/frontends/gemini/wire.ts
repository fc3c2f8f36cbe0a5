import type { JsonObject } from "../shared/validate.ts";

/**
 * Google's JSON mapping accepts both the lowerCamel and the original snake_case name of every
 * proto field (`systemInstruction` / `system_instruction`; the REST docs' curl examples use the
 * latter). Only Gemini's own keys are read this way: user data inside `args`, `response` or a
 * schema's `properties` keeps its keys untouched.
 */
export function field(object: JsonObject, camelName: string): unknown {
  const value = object[camelName];
  if (value !== undefined) return value;
  return object[snakeCase(camelName)];
}

const snakeNames = new Map<string, string>();

export function snakeCase(camelName: string): string {
  let snake = snakeNames.get(camelName);
  if (snake === undefined) {
    snake = camelName.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    snakeNames.set(camelName, snake);
  }
  return snake;
}

export function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** The keys of `object` not in `mapped` (compared in camelCase), for extensions. */
export function unmappedFields(object: JsonObject, mapped: ReadonlySet<string>): JsonObject | undefined {
  let rest: JsonObject | undefined;
  for (const [key, value] of Object.entries(object)) {
    const name = camelCase(key);
    if (mapped.has(name) || value === undefined) continue;
    rest ??= {};
    rest[name] = value;
  }
  return rest;
}

/** `models/gemini-2.5-pro` and `gemini-2.5-pro` name the same model. */
export function bareModelName(name: string): string {
  return name.startsWith("models/") ? name.slice("models/".length) : name;
}
