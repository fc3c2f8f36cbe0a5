import { invalidRequest } from "../../core/model/errors.ts";
import { describe, type JsonObject } from "../shared/validate.ts";
import { camelCase } from "./wire.ts";

/**
 * Gemini's `parameters` / `responseSchema` use its OpenAPI subset (`type: "OBJECT"`, `nullable`,
 * `propertyOrdering`, int64 counts as strings). The canonical model holds JSON Schema, so they
 * are converted; `parametersJsonSchema` / `responseJsonSchema` already are JSON Schema and pass
 * through untouched.
 */
const countKeywords = new Set(["minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"]);
/** Gemini-only keywords with no JSON Schema meaning (strict JSON Schema validators reject them). */
const droppedKeywords = new Set(["propertyOrdering", "nullable"]);

function convertType(value: unknown, path: string): string | undefined {
  if (typeof value !== "string") throw invalidRequest(`${path}: expected string, got ${describe(value)}`, path);
  const type = value.toLowerCase();
  return type === "type_unspecified" ? undefined : type;
}

export function openApiToJsonSchema(value: unknown, path: string): JsonObject {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalidRequest(`${path}: expected object, got ${describe(value)}`, path);
  }
  const schema = value as JsonObject;
  const out: JsonObject = {};
  let type: string | undefined;
  let nullable = false;
  for (const [rawKey, child] of Object.entries(schema)) {
    const key = camelCase(rawKey);
    if (key === "type") type = convertType(child, `${path}.type`);
    else if (key === "nullable") nullable = child === true;
    else if (droppedKeywords.has(key)) continue;
    else if (key === "properties" && child !== null && typeof child === "object") {
      const properties: JsonObject = {};
      // Property names are user data: their keys are kept exactly.
      for (const [name, property] of Object.entries(child as JsonObject)) properties[name] = openApiToJsonSchema(property, `${path}.properties.${name}`);
      out.properties = properties;
    } else if (key === "items") out.items = openApiToJsonSchema(child, `${path}.items`);
    else if (key === "anyOf" && Array.isArray(child)) out.anyOf = child.map((item, i) => openApiToJsonSchema(item, `${path}.anyOf[${i}]`));
    else if (countKeywords.has(key) && typeof child === "string" && /^\d+$/.test(child)) out[key] = Number(child);
    else if (key === "example") out.examples = [child];
    else if (key === "ref") out.$ref = child;
    else if (key === "defs" && child !== null && typeof child === "object") {
      const defs: JsonObject = {};
      for (const [name, definition] of Object.entries(child as JsonObject)) defs[name] = openApiToJsonSchema(definition, `${path}.defs.${name}`);
      out.$defs = defs;
    } else out[key] = child;
  }
  if (type !== undefined) return { type: nullable ? [type, "null"] : type, ...out };
  if (nullable && out.anyOf) out.anyOf = [...(out.anyOf as unknown[]), { type: "null" }];
  return out;
}

const schemaMaps = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);
const schemaLists = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);
const schemaValues = new Set(["items", "additionalProperties", "not", "contains", "if", "then", "else", "propertyNames", "unevaluatedProperties"]);

function lowerType(value: unknown): unknown {
  if (typeof value === "string") return value.toLowerCase();
  return Array.isArray(value) ? value.map(lowerType) : value;
}

/**
 * `parametersJsonSchema` / `responseJsonSchema` are JSON Schema, but Gemini accepts (and Gemini CLI
 * sends) OpenAPI's upper-case type names in them (`"type": "OBJECT"`). JSON Schema types are
 * lower-case, so they are lowered; nothing else changes.
 */
export function normalizeJsonSchema(value: unknown): unknown {
  if (Array.isArray(value) || value === null || typeof value !== "object") return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value as JsonObject)) {
    if (key === "type") out[key] = lowerType(child);
    else if (schemaMaps.has(key) && child !== null && typeof child === "object" && !Array.isArray(child)) {
      const map: JsonObject = {};
      for (const [name, schema] of Object.entries(child as JsonObject)) map[name] = normalizeJsonSchema(schema);
      out[key] = map;
    } else if (schemaLists.has(key) && Array.isArray(child)) out[key] = child.map(normalizeJsonSchema);
    else if (schemaValues.has(key)) out[key] = Array.isArray(child) ? child.map(normalizeJsonSchema) : normalizeJsonSchema(child);
    else out[key] = child;
  }
  return out;
}
