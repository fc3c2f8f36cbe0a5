import type { InboundRequest } from "../../core/codec.ts";
import type { Message } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import type { Part, ProviderSignature, ReasoningPart, ToolCallPart } from "../../core/model/parts.ts";
import { argumentsText, expectArray, expectObject, expectString, type JsonObject, optionalString } from "../shared/validate.ts";
import { decodeContent, decodeToolOutput } from "./decode-content.ts";
import { nativeDialect, unwrapEnvelope } from "./reasoning-envelope.ts";

/** Item types produced by hosted tools lipstd cannot run: skipped with a warning, never fatal. */
const hostedItemTypes: ReadonlySet<string> = new Set([
  "web_search_call", "file_search_call", "code_interpreter_call", "image_generation_call", "computer_call",
  "computer_call_output", "local_shell_call", "local_shell_call_output", "shell_call", "shell_call_output",
  "apply_patch_call", "apply_patch_call_output", "mcp_call", "mcp_list_tools", "mcp_approval_request",
  "mcp_approval_response", "tool_search_call", "tool_search_output", "compaction",
]);

/** Fields of an item that a Responses backend needs to replay it exactly, kept in part extensions. */
function itemExtras(item: JsonObject, keys: readonly string[]): Record<string, unknown> | undefined {
  const extras: Record<string, unknown> = {};
  for (const key of keys) if (item[key] !== undefined && item[key] !== null) extras[key] = item[key];
  return Object.keys(extras).length > 0 ? extras : undefined;
}

/**
 * Turns Responses input items into canonical messages. Consecutive assistant-side items
 * (assistant messages, reasoning, function calls) form one assistant message, in order, so a
 * reasoning item stays right before the output it produced.
 */
export class InputDecoder {
  readonly messages: Message[] = [];
  /** Tool-call signatures carried by reasoning items, waiting for their function_call. */
  private readonly pendingCallSignatures = new Map<string, ProviderSignature>();
  private readonly callNames = new Map<string, string>();

  constructor(private readonly request: Pick<InboundRequest, "log"> | undefined) {}

  private assistantPart(part: Part): void {
    const last = this.messages.at(-1);
    if (last?.role === "assistant") last.parts.push(part);
    else this.messages.push({ role: "assistant", parts: [part] });
  }

  decodeItems(value: unknown): void {
    if (typeof value === "string") {
      this.messages.push({ role: "user", parts: value === "" ? [] : [{ type: "text", text: value }] });
      return;
    }
    expectArray(value, "input").forEach((raw, i) => this.decodeItem(raw, `input[${i}]`));
  }

  private decodeItem(raw: unknown, path: string): void {
    const item = expectObject(raw, path);
    // Easy-input messages ({role, content}) carry no type.
    const type = item.type === undefined || item.type === null ? "message" : expectString(item.type, `${path}.type`);
    switch (type) {
      case "message":
        return this.decodeMessage(item, path);
      case "reasoning":
        return this.decodeReasoning(item, path);
      case "function_call":
      case "custom_tool_call":
        return this.decodeCall(item, path, type);
      case "function_call_output":
      case "custom_tool_call_output":
        return this.decodeCallOutput(item, path, type);
      case "item_reference":
        throw invalidRequest(
          `${path}: item_reference is not supported: this gateway does not look up single items; send the full item, or chain responses with previous_response_id`,
          path,
          "unsupported_parameter",
        );
      default:
        if (!hostedItemTypes.has(type)) throw invalidRequest(`${path}.type: unknown input item type '${type}'`, `${path}.type`);
        this.request?.log("warn", "openai-responses: skipped a hosted-tool input item this gateway cannot replay", { item: path, type });
    }
  }

  private decodeMessage(item: JsonObject, path: string): void {
    const role = expectString(item.role, `${path}.role`);
    const parts = decodeContent(item.content, `${path}.content`);
    switch (role) {
      case "user":
      case "system":
      case "developer":
        this.messages.push({ role, parts });
        return;
      case "assistant": {
        const extras = itemExtras(item, ["id", "phase"]);
        for (const part of parts) {
          if (extras) part.extensions = { [nativeDialect]: extras };
          this.assistantPart(part);
        }
        return;
      }
      default:
        throw invalidRequest(`${path}.role: unknown role '${role}'`, `${path}.role`);
    }
  }

  private decodeReasoning(item: JsonObject, path: string): void {
    const summaryItems = item.summary === undefined || item.summary === null ? [] : expectArray(item.summary, `${path}.summary`);
    const summary = summaryItems.map((raw, i) => expectString(expectObject(raw, `${path}.summary[${i}]`).text, `${path}.summary[${i}].text`));
    const contentItems = item.content === undefined || item.content === null ? [] : expectArray(item.content, `${path}.content`);
    const thinking = contentItems.map((raw, i) => expectString(expectObject(raw, `${path}.content[${i}]`).text, `${path}.content[${i}].text`));
    const encrypted = optionalString(item.encrypted_content, `${path}.encrypted_content`);
    const id = optionalString(item.id, `${path}.id`);
    const envelope = encrypted === undefined ? undefined : unwrapEnvelope(encrypted);
    if (envelope?.c !== undefined) {
      if (envelope.s) this.pendingCallSignatures.set(envelope.c, envelope.s);
      return;
    }
    const part: ReasoningPart = { type: "reasoning", text: "" };
    if (envelope) {
      // The envelope's text is what the signature covers; the echoed summary may be trimmed.
      part.text = envelope.t ?? (thinking.length > 0 ? thinking.join("") : summary.join("\n\n"));
      if (envelope.k) part.kind = envelope.k;
      if (envelope.s) part.signature = envelope.s;
      if (envelope.o) part.opaque = envelope.o;
    } else {
      part.text = thinking.length > 0 ? thinking.join("") : summary.join("\n\n");
      if (thinking.length > 0) part.kind = "thinking";
      else if (summary.length > 0) part.kind = "summary";
      if (encrypted !== undefined) part.opaque = { dialect: nativeDialect, value: encrypted };
      // Several summary parts, or summary beside raw content, do not fit one canonical text.
      if (summary.length > 1 || (summary.length > 0 && thinking.length > 0)) part.extensions = { [nativeDialect]: { summary: summaryItems } };
    }
    if (id !== undefined) part.id = id;
    this.assistantPart(part);
  }

  private decodeCall(item: JsonObject, path: string, type: string): void {
    const callId = expectString(item.call_id, `${path}.call_id`);
    const name = expectString(item.name, `${path}.name`);
    const args = type === "custom_tool_call" ? JSON.stringify({ input: expectString(item.input, `${path}.input`) }) : argumentsText(item.arguments);
    const part: ToolCallPart = { type: "tool_call", id: callId, name, arguments: args };
    const extras = itemExtras(item, ["id", "namespace"]);
    if (extras || type === "custom_tool_call") part.extensions = { [nativeDialect]: { ...extras, ...(type === "custom_tool_call" && { type }) } };
    const signature = this.pendingCallSignatures.get(callId);
    if (signature) {
      part.signature = signature;
      this.pendingCallSignatures.delete(callId);
    }
    this.callNames.set(callId, name);
    this.assistantPart(part);
  }

  private decodeCallOutput(item: JsonObject, path: string, type: string): void {
    const callId = expectString(item.call_id, `${path}.call_id`);
    const content = decodeToolOutput(item.output, `${path}.output`);
    const name = this.callNames.get(callId);
    this.messages.push({
      role: "tool",
      parts: [
        {
          type: "tool_result",
          callId,
          content,
          ...(name !== undefined && { name }),
          ...(type === "custom_tool_call_output" && { extensions: { [nativeDialect]: { type } } }),
        },
      ],
    });
  }
}
