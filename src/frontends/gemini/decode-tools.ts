import type { ToolChoice, ToolSpec } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import { expectArray, expectObject, expectString, type JsonObject, optionalString, optionalStringList } from "../shared/validate.ts";
import { normalizeJsonSchema, openApiToJsonSchema } from "./schema.ts";
import { geminiDialect } from "./signature.ts";
import { field, unmappedFields } from "./wire.ts";

export interface DecodedTools {
  tools: ToolSpec[];
  /** Built-in Gemini tools (googleSearch, codeExecution, urlContext…) no other backend runs. */
  builtIn: JsonObject[];
}

function decodeFunction(value: unknown, path: string): ToolSpec {
  const declaration = expectObject(value, path);
  const name = expectString(declaration.name, `${path}.name`);
  const description = optionalString(declaration.description, `${path}.description`);
  const jsonSchema = field(declaration, "parametersJsonSchema");
  const openApi = declaration.parameters;
  const parameters =
    jsonSchema !== undefined && jsonSchema !== null
      ? (normalizeJsonSchema(expectObject(jsonSchema, `${path}.parametersJsonSchema`)) as JsonObject)
      : openApi !== undefined && openApi !== null
        ? openApiToJsonSchema(openApi, `${path}.parameters`)
        : { type: "object", properties: {} };
  const extra = unmappedFields(declaration, new Set(["name", "description", "parameters", "parametersJsonSchema"]));
  return { name, parameters, ...(description !== undefined && { description }), ...(extra && { extensions: { [geminiDialect]: extra } }) };
}

export function decodeTools(value: unknown): DecodedTools {
  const decoded: DecodedTools = { tools: [], builtIn: [] };
  if (value === undefined || value === null) return decoded;
  expectArray(value, "tools").forEach((raw, i) => {
    const tool = expectObject(raw, `tools[${i}]`);
    const declarations = field(tool, "functionDeclarations");
    if (declarations !== undefined && declarations !== null) {
      expectArray(declarations, `tools[${i}].functionDeclarations`).forEach((declaration, j) => {
        decoded.tools.push(decodeFunction(declaration, `tools[${i}].functionDeclarations[${j}]`));
      });
    }
    const rest = unmappedFields(tool, new Set(["functionDeclarations"]));
    if (rest) decoded.builtIn.push(rest);
  });
  return decoded;
}

export function decodeToolChoice(value: unknown, tools: ToolSpec[], extensions: JsonObject): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  const toolConfig = expectObject(value, "toolConfig");
  const rest = unmappedFields(toolConfig, new Set(["functionCallingConfig"]));
  if (rest) extensions.toolConfig = rest;
  const raw = field(toolConfig, "functionCallingConfig");
  if (raw === undefined || raw === null) return undefined;
  const config = expectObject(raw, "toolConfig.functionCallingConfig");
  const path = "toolConfig.functionCallingConfig";
  const mode = optionalString(config.mode, `${path}.mode`)?.toUpperCase();
  const allowed = optionalStringList(field(config, "allowedFunctionNames"), `${path}.allowedFunctionNames`) ?? [];
  for (const name of allowed) {
    if (!tools.some((tool) => tool.name === name)) throw invalidRequest(`${path}.allowedFunctionNames: no function named '${name}' in tools`, `${path}.allowedFunctionNames`);
  }
  if (allowed.length > 1 || (allowed.length === 1 && mode !== "ANY")) extensions.allowedFunctionNames = allowed;
  switch (mode) {
    case undefined:
    case "MODE_UNSPECIFIED":
      return undefined;
    case "AUTO":
      return { type: "auto" };
    case "VALIDATED":
      // Auto, but calls must match the schema: only a Gemini backend can enforce it.
      extensions.functionCallingMode = "VALIDATED";
      return { type: "auto" };
    case "NONE":
      return { type: "none" };
    case "ANY":
      return allowed.length === 1 ? { type: "named", name: allowed[0]! } : { type: "required" };
    default:
      throw invalidRequest(`${path}.mode: unknown mode '${mode}' (expected AUTO, ANY, NONE or VALIDATED)`, `${path}.mode`);
  }
}

