import type { CanonicalCall, Message, ResponseFormat, ToolChoice } from "../../core/model/call.ts";
import type { FilePart, ImagePart, Part, ReasoningPart, TextPart } from "../../core/model/parts.ts";
import { fitToolCallId, responsesToolCallIds } from "../shared/tool-call-id.ts";

export const responsesDialect = "openai-responses";

export interface ResponsesRequestOptions {
  /** `store` sent upstream; false keeps calls stateless (reasoning replays via encrypted_content). */
  store: boolean;
}

/** A canonical option the Responses API cannot express: reported as a warning event, never silently dropped. */
export interface RequestWarning {
  code: string;
  message: string;
}

type Item = Record<string, unknown>;
type ContentPart = TextPart | ImagePart | FilePart;

function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

function imageInput(part: ImagePart): Item {
  const detail = part.detail ?? "auto";
  const source = part.source;
  switch (source.kind) {
    case "url":
      return { type: "input_image", image_url: source.url, detail };
    case "base64":
      return { type: "input_image", image_url: dataUrl(source.mediaType, source.data), detail };
    case "file_id":
      return { type: "input_image", file_id: source.fileId, detail };
    case "text":
      return { type: "input_text", text: source.text };
    default: {
      const exhaustive: never = source;
      return exhaustive;
    }
  }
}

function fileInput(part: FilePart): Item {
  const filename = part.filename ? { filename: part.filename } : {};
  const source = part.source;
  switch (source.kind) {
    case "url":
      return { type: "input_file", file_url: source.url, ...filename };
    case "base64":
      return { type: "input_file", file_data: dataUrl(source.mediaType, source.data), filename: part.filename ?? "file" };
    case "file_id":
      return { type: "input_file", file_id: source.fileId, ...filename };
    case "text":
      return { type: "input_text", text: source.text };
    default: {
      const exhaustive: never = source;
      return exhaustive;
    }
  }
}

function inputContent(part: ContentPart): Item {
  switch (part.type) {
    case "text":
      return { type: "input_text", text: part.text };
    case "image":
      return imageInput(part);
    case "file":
      return fileInput(part);
    default: {
      const exhaustive: never = part;
      return exhaustive;
    }
  }
}

function isContent(part: Part): part is ContentPart {
  return part.type === "text" || part.type === "image" || part.type === "file";
}

/**
 * The one decision point for replaying reasoning: only items this dialect minted (opaque
 * `encrypted_content` tagged "openai-responses") can be verified upstream; foreign reasoning
 * (Anthropic signatures, Gemini thoughts, local-stub) is dropped. If foreign signatures are ever
 * wrapped into a Responses-verifiable form, this is where to unwrap them.
 */
export function replayableReasoning(part: ReasoningPart, store: boolean): Item | undefined {
  if (part.opaque?.dialect !== responsesDialect) return undefined;
  return {
    type: "reasoning",
    // With store:false the id names nothing server-side, and echoing it is a 404 ("Item not found").
    ...(store && part.id ? { id: part.id } : {}),
    summary: part.text && part.kind !== "thinking" ? [{ type: "summary_text", text: part.text }] : [],
    encrypted_content: part.opaque.value,
  };
}

function toolOutput(content: ContentPart[], isError: boolean | undefined): string | Item[] {
  const prefix = isError ? "[tool error] " : "";
  if (content.every((part) => part.type === "text")) return prefix + content.map((part) => (part as TextPart).text).join("");
  const items = content.map(inputContent);
  return isError ? [{ type: "input_text", text: prefix.trim() }, ...items] : items;
}

function messageItems(message: Message, store: boolean): Item[] {
  switch (message.role) {
    case "system":
    case "developer":
    case "user": {
      const content = message.parts.filter(isContent).map(inputContent);
      return content.length > 0 ? [{ type: "message", role: message.role, content }] : [];
    }
    case "assistant": {
      // Items in part order: a reasoning item lands right before the output it produced.
      const items: Item[] = [];
      let text: Item | undefined;
      for (const part of message.parts) {
        if (part.type === "text") {
          if (!text) items.push((text = { type: "message", role: "assistant", content: [] }));
          (text.content as Item[]).push({ type: "output_text", text: part.text, annotations: [] });
          continue;
        }
        text = undefined;
        if (part.type === "reasoning") {
          const item = replayableReasoning(part, store);
          if (item) items.push(item);
        } else if (part.type === "tool_call") {
          items.push({ type: "function_call", call_id: fitToolCallId(part.id, responsesToolCallIds), name: part.name, arguments: part.arguments });
        }
      }
      return items;
    }
    case "tool":
      return message.parts.flatMap((part): Item[] => {
        if (part.type === "tool_result") return [{ type: "function_call_output", call_id: fitToolCallId(part.callId, responsesToolCallIds), output: toolOutput(part.content, part.isError) }];
        return isContent(part) ? [{ type: "message", role: "user", content: [inputContent(part)] }] : [];
      });
    default: {
      const exhaustive: never = message.role;
      return exhaustive;
    }
  }
}

function toolChoice(choice: ToolChoice): unknown {
  switch (choice.type) {
    case "auto":
    case "none":
    case "required":
      return choice.type;
    case "named":
      return { type: "function", name: choice.name };
    default: {
      const exhaustive: never = choice;
      return exhaustive;
    }
  }
}

function textFormat(format: ResponseFormat): Item {
  switch (format.type) {
    case "text":
    case "json_object":
      return { type: format.type };
    case "json_schema":
      return {
        type: "json_schema",
        name: format.name ?? "response",
        schema: format.schema,
        ...(format.strict !== undefined && { strict: format.strict }),
        ...(format.description && { description: format.description }),
      };
    default: {
      const exhaustive: never = format;
      return exhaustive;
    }
  }
}

/** Options the Responses API has no field for. */
function unsupported(call: CanonicalCall): RequestWarning[] {
  const options = call.options;
  const dropped: Array<[string, unknown]> = [
    ["stop", options.stop?.length ? options.stop : undefined],
    ["top_k", options.topK],
    ["seed", options.seed],
    ["presence_penalty", options.presencePenalty],
    ["frequency_penalty", options.frequencyPenalty],
    ["reasoning budget_tokens", options.reasoning?.effort === undefined ? options.reasoning?.budgetTokens : undefined],
  ];
  return dropped
    .filter(([, value]) => value !== undefined)
    .map(([name]) => ({ code: "unsupported_option", message: `the OpenAI Responses API has no '${name}'; it was not sent` }));
}

/**
 * The Responses request body for a canonical call (always streamed upstream). System and
 * developer messages stay input items with their own roles, in place: that keeps their order
 * and role; only a leading system message the Responses frontend decoded from `instructions`
 * (extension `source: "instructions"`) goes back there.
 */
export function responsesRequestBody(call: CanonicalCall, model: string, options: ResponsesRequestOptions): { body: Item; warnings: RequestWarning[] } {
  const sameDialect = call.sourceDialect === responsesDialect;
  // The Responses frontend keeps unmodelled fields here, plus `hosted_tools`, `verbosity` and `include`.
  const { hosted_tools: hostedTools, verbosity: clientVerbosity, include: clientInclude, ...passthrough } = sameDialect ? (call.extensions[responsesDialect] ?? {}) : {};
  // A route param (`?verbosity=`) sets the canonical option, which wins over the client's.
  const verbosity = call.options.verbosity ?? clientVerbosity;
  const store = typeof passthrough.store === "boolean" ? passthrough.store : options.store;
  const [first, ...rest] = call.messages;
  const fromInstructions = sameDialect && first?.role === "system" && first.extensions?.[responsesDialect]?.source === "instructions";
  const instructionsMessage = fromInstructions ? first : undefined;
  const messages = instructionsMessage ? rest : call.messages;
  const body: Item = {
    // Same-dialect fields we do not model (prompt_cache_key, service_tier, client_metadata, …) ride along.
    ...passthrough,
    model,
    input: messages.flatMap((message) => messageItems(message, store)),
    stream: true,
    store,
  };
  if (instructionsMessage) {
    body.instructions = instructionsMessage.parts.map((part) => (part.type === "text" ? part.text : "")).join("");
  }
  const include = new Set<string>(Array.isArray(clientInclude) ? (clientInclude as string[]) : []);
  if (!store) include.add("reasoning.encrypted_content");
  if (include.size > 0) body.include = [...include];
  const functions = call.tools.map((tool) => ({
    type: "function",
    name: tool.name,
    ...(tool.description && { description: tool.description }),
    parameters: tool.parameters,
    // Responses defaults `strict` to true; clients of other dialects never asked for strict schemas.
    ...(tool.strict !== undefined ? { strict: tool.strict } : !sameDialect && { strict: false }),
  }));
  const hosted = Array.isArray(hostedTools) ? (hostedTools as Item[]) : [];
  if (functions.length + hosted.length > 0) body.tools = [...functions, ...hosted];
  if (call.toolChoice) body.tool_choice = toolChoice(call.toolChoice);
  const settings = call.options;
  if (settings.temperature !== undefined) body.temperature = settings.temperature;
  if (settings.topP !== undefined) body.top_p = settings.topP;
  if (settings.maxOutputTokens !== undefined) body.max_output_tokens = settings.maxOutputTokens;
  if (settings.parallelToolCalls !== undefined && call.tools.length > 0) body.parallel_tool_calls = settings.parallelToolCalls;
  if (settings.user !== undefined) body.user = settings.user;
  const reasoning = settings.reasoning;
  const summary = reasoning?.summary ?? (reasoning?.includeThoughts ? "auto" : undefined);
  if (reasoning?.effort !== undefined || summary !== undefined) {
    body.reasoning = { ...(reasoning?.effort !== undefined && { effort: reasoning.effort }), ...(summary !== undefined && { summary }) };
  }
  if (settings.responseFormat || typeof verbosity === "string") {
    body.text = { ...(settings.responseFormat && { format: textFormat(settings.responseFormat) }), ...(typeof verbosity === "string" && { verbosity }) };
  }
  if (call.metadata) body.metadata = call.metadata;
  return { body, warnings: unsupported(call) };
}
