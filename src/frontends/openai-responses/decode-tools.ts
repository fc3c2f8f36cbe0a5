import type { InboundRequest } from "../../core/codec.ts";
import type { ToolChoice, ToolSpec } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import { expectArray, expectObject, expectString, type JsonObject, optionalBoolean, optionalObject, optionalString } from "../shared/validate.ts";

export interface DecodedTools {
  tools: ToolSpec[];
  /** Tools of hosted types (web_search, namespace, custom, mcp, …) that lipstd cannot run, kept as sent. */
  hosted: JsonObject[];
}

const functionFields: ReadonlySet<string> = new Set(["type", "name", "description", "parameters", "strict"]);

/**
 * Function tools map to the canonical ToolSpec. Every other tool type is dropped with a warning
 * rather than refused: agents such as Codex always send built-in tools (web_search, namespace
 * and custom tools) and must keep working with backends that cannot run them.
 */
export function decodeTools(value: unknown, request: Pick<InboundRequest, "log"> | undefined): DecodedTools {
  const decoded: DecodedTools = { tools: [], hosted: [] };
  if (value === undefined || value === null) return decoded;
  expectArray(value, "tools").forEach((raw, i) => {
    const path = `tools[${i}]`;
    const tool = expectObject(raw, path);
    const type = expectString(tool.type, `${path}.type`);
    if (type !== "function") {
      decoded.hosted.push(tool);
      return;
    }
    const description = optionalString(tool.description, `${path}.description`);
    const strict = optionalBoolean(tool.strict, `${path}.strict`);
    const parameters = optionalObject(tool.parameters, `${path}.parameters`) ?? { type: "object", properties: {} };
    const extra: JsonObject = {};
    for (const [key, field] of Object.entries(tool)) if (!functionFields.has(key)) extra[key] = field;
    decoded.tools.push({
      name: expectString(tool.name, `${path}.name`),
      parameters,
      ...(description !== undefined && { description }),
      ...(strict !== undefined && { strict }),
      ...(Object.keys(extra).length > 0 && { extensions: { "openai-responses": extra } }),
    });
  });
  if (decoded.hosted.length > 0) {
    request?.log("warn", "openai-responses: dropped tools of types this gateway cannot run", {
      types: decoded.hosted.map((tool) => tool.type),
      names: decoded.hosted.map((tool) => tool.name).filter((name) => name !== undefined),
    });
  }
  return decoded;
}

function requireTool(name: string, tools: readonly ToolSpec[], path: string): void {
  if (!tools.some((tool) => tool.name === name)) throw invalidRequest(`${path}: no function tool named '${name}' in tools`, path);
}

export interface DecodedToolChoice {
  choice?: ToolChoice;
  /** `allowed_tools` narrows the offered tools to these names. */
  allowed?: ReadonlySet<string>;
}

export function decodeToolChoice(value: unknown, tools: readonly ToolSpec[]): DecodedToolChoice {
  if (value === undefined || value === null) return {};
  if (value === "auto" || value === "none" || value === "required") return { choice: { type: value } };
  if (typeof value === "string") throw invalidRequest(`tool_choice: unknown value '${value}'`, "tool_choice");
  const choice = expectObject(value, "tool_choice");
  const type = expectString(choice.type, "tool_choice.type");
  if (type === "function") {
    const name = expectString(choice.name, "tool_choice.name");
    requireTool(name, tools, "tool_choice.name");
    return { choice: { type: "named", name } };
  }
  if (type === "allowed_tools") {
    const mode = optionalString(choice.mode, "tool_choice.mode") ?? "auto";
    if (mode !== "auto" && mode !== "required") throw invalidRequest(`tool_choice.mode: expected 'auto' or 'required', got '${mode}'`, "tool_choice.mode");
    const allowed = new Set<string>();
    expectArray(choice.tools, "tool_choice.tools").forEach((raw, i) => {
      const path = `tool_choice.tools[${i}]`;
      const entry = expectObject(raw, path);
      // Hosted entries name tools that were dropped; function entries must exist.
      if (entry.type !== "function") return;
      const name = expectString(entry.name, `${path}.name`);
      requireTool(name, tools, `${path}.name`);
      allowed.add(name);
    });
    return { choice: { type: mode }, allowed };
  }
  throw invalidRequest(`tool_choice: the hosted tool '${type}' cannot be run by this gateway`, "tool_choice.type", "unsupported_parameter");
}
