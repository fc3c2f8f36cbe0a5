import type { ContentBlock, ConverseStreamCommandInput, Message as BedrockMessage, SystemContentBlock, Tool, ToolChoice as BedrockToolChoice } from "@aws-sdk/client-bedrock-runtime";
import type { CanonicalCall, Message, ToolChoice } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import type { FilePart, ImagePart, Part, TextPart } from "../../core/model/parts.ts";
import { argumentsObject } from "../../core/model/tool-arguments.ts";
import { isBlankText, trimFinalAssistantText } from "../shared/claude-text.ts";
import { bedrockToolCallIds, fitToolCallId } from "../shared/tool-call-id.ts";

const imageFormats = new Map([
  ["image/png", "png"],
  ["image/jpeg", "jpeg"],
  ["image/jpg", "jpeg"],
  ["image/gif", "gif"],
  ["image/webp", "webp"],
] as const);

const documentFormats = new Map([
  ["application/pdf", "pdf"],
  ["text/csv", "csv"],
  ["application/msword", "doc"],
  ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"],
  ["application/vnd.ms-excel", "xls"],
  ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"],
  ["text/html", "html"],
  ["text/plain", "txt"],
  ["text/markdown", "md"],
] as const);

/** Bedrock takes media as bytes only: URLs and file ids are a clear 400, not a silent drop. */
function mediaBytes(part: ImagePart | FilePart): { mediaType: string; bytes: Uint8Array } {
  const source = part.source;
  if (source.kind === "base64") return { mediaType: source.mediaType, bytes: Buffer.from(source.data, "base64") };
  if (source.kind === "text") return { mediaType: source.mediaType ?? "text/plain", bytes: new TextEncoder().encode(source.text) };
  throw invalidRequest(`bedrock accepts ${part.type}s as inline bytes only (got a ${source.kind} source)`, "messages", "unsupported_content");
}

function mediaBlock(part: ImagePart | FilePart, position: number): ContentBlock {
  const { mediaType, bytes } = mediaBytes(part);
  if (part.type === "image") {
    const format = imageFormats.get(mediaType as never);
    if (!format) throw invalidRequest(`bedrock does not accept image type ${mediaType}`, "messages", "unsupported_content");
    return { image: { format, source: { bytes } } };
  }
  const format = documentFormats.get(mediaType as never);
  if (!format) throw invalidRequest(`bedrock does not accept document type ${mediaType}`, "messages", "unsupported_content");
  // Bedrock document names allow only letters, digits, spaces, hyphens, parentheses and brackets.
  const name = (part.filename ?? `document-${position}`).replace(/\.[^.]+$/, "").replace(/[^A-Za-z0-9 ()[\]-]/g, "-").slice(0, 200) || `document-${position}`;
  return { document: { format, name, source: { bytes } } };
}

function contentBlocks(part: Part, position: number): ContentBlock[] {
  switch (part.type) {
    case "text":
      // Converse rejects blank text ("The text field in the ContentBlock object … is blank").
      return isBlankText(part.text) ? [] : [{ text: part.text }];
    case "image":
    case "file":
      return [mediaBlock(part, position)];
    case "tool_call":
      return [{ toolUse: { toolUseId: fitToolCallId(part.id, bedrockToolCallIds), name: part.name, input: argumentsObject(part.arguments) as never } }];
    case "tool_result":
      return [
        {
          toolResult: {
            toolUseId: fitToolCallId(part.callId, bedrockToolCallIds),
            content: part.content.flatMap((item, i): Array<NonNullable<NonNullable<ContentBlock["toolResult"]>["content"]>[number]> => {
              if (item.type === "text") return [{ text: item.text }];
              const block = mediaBlock(item, i);
              return block.image ? [{ image: block.image }] : block.document ? [{ document: block.document }] : [];
            }),
            ...(part.isError && { status: "error" as const }),
          },
        },
      ];
    case "reasoning":
      // Only reasoning Bedrock itself signed can be replayed; others cannot be verified.
      if (part.signature?.dialect === "bedrock") return [{ reasoningContent: { reasoningText: { text: part.text, signature: part.signature.value } } }];
      if (part.opaque?.dialect === "bedrock") return [{ reasoningContent: { redactedContent: Buffer.from(part.opaque.value, "base64") } }];
      return [];
    default: {
      const exhaustive: never = part;
      return exhaustive;
    }
  }
}

function toolChoice(choice: ToolChoice): BedrockToolChoice | undefined {
  switch (choice.type) {
    case "auto":
      return { auto: {} };
    case "required":
      return { any: {} };
    case "named":
      return { tool: { name: choice.name } };
    case "none":
      return undefined;
    default: {
      const exhaustive: never = choice;
      return exhaustive;
    }
  }
}

function isSystem(message: Message): boolean {
  return message.role === "system" || message.role === "developer";
}

/** ConverseStream input for a canonical call; consecutive same-role turns are merged as Bedrock requires. */
export function converseInput(call: CanonicalCall, modelId: string, defaultMaxTokens: number | undefined): ConverseStreamCommandInput {
  const system: SystemContentBlock[] = call.messages
    .filter(isSystem)
    .flatMap((message) => message.parts.filter((part): part is TextPart => part.type === "text" && !isBlankText(part.text)).map((part) => ({ text: part.text })));
  const messages: BedrockMessage[] = [];
  let position = 0;
  for (const message of call.messages) {
    if (isSystem(message)) continue;
    const role = message.role === "assistant" ? "assistant" : "user";
    // Tool results go first in their user turn, as Converse expects after a toolUse turn.
    const parts = role === "user" ? [...message.parts].sort((a, b) => Number(b.type === "tool_result") - Number(a.type === "tool_result")) : message.parts;
    const content = parts.flatMap((part) => contentBlocks(part, position++));
    if (content.length === 0) continue;
    const previous = messages.at(-1);
    if (previous?.role === role) previous.content = [...(previous.content ?? []), ...content];
    else messages.push({ role, content });
  }
  trimFinalAssistantText(messages, { get: (block) => block.text, with: (_block, text) => ({ text }) });
  const options = call.options;
  const inferenceConfig: NonNullable<ConverseStreamCommandInput["inferenceConfig"]> = {};
  const maxTokens = options.maxOutputTokens ?? defaultMaxTokens;
  if (maxTokens !== undefined) inferenceConfig.maxTokens = maxTokens;
  if (options.temperature !== undefined) inferenceConfig.temperature = options.temperature;
  if (options.topP !== undefined) inferenceConfig.topP = options.topP;
  if (options.stop?.length) inferenceConfig.stopSequences = options.stop.slice(0, 4);
  const input: ConverseStreamCommandInput = { modelId, messages };
  if (system.length > 0) input.system = system;
  if (Object.keys(inferenceConfig).length > 0) input.inferenceConfig = inferenceConfig;
  const choice = call.toolChoice ? toolChoice(call.toolChoice) : undefined;
  if (call.tools.length > 0 && call.toolChoice?.type !== "none") {
    const tools: Tool[] = call.tools.map((tool) => ({
      toolSpec: { name: tool.name, ...(tool.description && { description: tool.description }), inputSchema: { json: tool.parameters as never } },
    }));
    input.toolConfig = { tools, ...(choice && { toolChoice: choice }) };
  }
  const reasoning = options.reasoning;
  if (reasoning && reasoning.enabled !== false && (reasoning.budgetTokens !== undefined || reasoning.effort !== undefined)) {
    // Claude on Bedrock takes Anthropic's thinking block through additionalModelRequestFields.
    const budget = reasoning.budgetTokens ?? ({ minimal: 1024, low: 2048, medium: 8192, high: 16384, xhigh: 32768, max: 32768, none: 0 } as const)[reasoning.effort!];
    if (budget > 0) input.additionalModelRequestFields = { thinking: { type: "enabled", budget_tokens: budget } } as never;
  }
  return input;
}
