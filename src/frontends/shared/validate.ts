import { isReasoningEffort, type ReasoningEffort } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";

export { argumentsObject } from "../../core/model/tool-arguments.ts";

/**
 * Small readers over untrusted JSON. Each names the offending field in its 400 message, so a
 * client learns exactly what to fix ("messages[2].content: expected string or array").
 */
export type JsonObject = Record<string, unknown>;

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

export function expectObject(value: unknown, path: string): JsonObject {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalidRequest(`${path}: expected object, got ${describe(value)}`, path);
  }
  return value as JsonObject;
}

export function optionalObject(value: unknown, path: string): JsonObject | undefined {
  return value === undefined || value === null ? undefined : expectObject(value, path);
}

export function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalidRequest(`${path}: expected array, got ${describe(value)}`, path);
  return value;
}

export function expectString(value: unknown, path: string): string {
  if (typeof value !== "string") throw invalidRequest(`${path}: expected string, got ${describe(value)}`, path);
  return value;
}

export function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : expectString(value, path);
}

export function optionalNumber(value: unknown, path: string, min?: number, max?: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalidRequest(`${path}: expected number, got ${describe(value)}`, path);
  if (min !== undefined && value < min) throw invalidRequest(`${path}: must be ≥ ${min}, got ${value}`, path);
  if (max !== undefined && value > max) throw invalidRequest(`${path}: must be ≤ ${max}, got ${value}`, path);
  return value;
}

export function optionalInteger(value: unknown, path: string, min?: number): number | undefined {
  const number = optionalNumber(value, path, min);
  if (number !== undefined && !Number.isInteger(number)) throw invalidRequest(`${path}: expected integer, got ${number}`, path);
  return number;
}

export function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalidRequest(`${path}: expected boolean, got ${describe(value)}`, path);
  return value;
}

export function optionalEffort(value: unknown, path: string): ReasoningEffort | undefined {
  const effort = optionalString(value, path);
  if (effort !== undefined && !isReasoningEffort(effort)) throw invalidRequest(`${path}: unknown value '${effort}'`, path);
  return effort;
}

/** `stop`-style fields: a string or an array of strings, normalised to an array. */
export function optionalStringList(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return [value];
  return expectArray(value, path).map((item, i) => expectString(item, `${path}[${i}]`));
}

/** Tool arguments as JSON text: objects are serialised, strings kept as the model wrote them. */
export function argumentsText(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value ?? {});
}

/** `data:` URL → media type + base64, or undefined when not a base64 data URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  if (!match) return undefined;
  return { mediaType: match[1]!, data: match[2]! };
}
