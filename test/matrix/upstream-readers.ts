/**
 * What arrived upstream, read back from a provider's recorded request body: the tool calls in the
 * replayed history, the tool results, replayed reasoning with its signature, images and user text.
 * Provider-specific request parsing lives here, once per wire format.
 */
export interface Upstream {
  calls: Array<{ id?: string; name: string; signature?: string }>;
  results: Array<{ id?: string; name?: string; text: string }>;
  /** `signature` is the provider's opaque value as sent: a signature, encrypted_content or redacted data. */
  reasoning: Array<{ text: string; signature?: string }>;
  images: Array<{ mediaType: string; data?: string }>;
  userText: string[];
}

type Json = any;

function empty(): Upstream {
  return { calls: [], results: [], reasoning: [], images: [], userText: [] };
}

function flatText(content: Json): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part: Json) => (typeof part === "string" ? part : (part.text ?? ""))).join("");
  return content === undefined || content === null ? "" : JSON.stringify(content);
}

/**
 * A tool result as text. Gemini wraps a text result as `{"output": text}` (its `response` must be
 * an object), and a Gemini client's object reaches other providers as that JSON: both mean `text`.
 */
function textOf(content: Json): string {
  const text = flatText(content);
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object" && Object.keys(parsed).length === 1 && typeof parsed.output === "string") return parsed.output;
  } catch {
    // plain text
  }
  return text;
}

function dataUrl(url: string): { mediaType: string; data?: string } {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return match ? { mediaType: match[1]!, data: match[2]! } : { mediaType: "url" };
}

export function readChat(body: Json): Upstream {
  const seen = empty();
  for (const message of body.messages ?? []) {
    if (message.role === "assistant") {
      for (const call of message.tool_calls ?? []) seen.calls.push({ id: call.id, name: call.function.name });
      if (message.reasoning_content) seen.reasoning.push({ text: message.reasoning_content });
      for (const detail of message.reasoning_details ?? []) seen.reasoning.push({ text: detail.text ?? "", signature: detail.signature ?? detail.data });
    } else if (message.role === "tool") {
      seen.results.push({ id: message.tool_call_id, text: textOf(message.content) });
    } else if (message.role === "user") {
      const parts = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
      for (const part of parts) {
        if (part.type === "text") seen.userText.push(part.text);
        if (part.type === "image_url") seen.images.push(dataUrl(part.image_url.url));
      }
    }
  }
  return seen;
}

export function readResponses(body: Json): Upstream {
  const seen = empty();
  const input = typeof body.input === "string" ? [{ role: "user", content: body.input }] : body.input;
  for (const item of input ?? []) {
    const type = item.type ?? "message";
    if (type === "function_call") seen.calls.push({ id: item.call_id, name: item.name });
    else if (type === "function_call_output") seen.results.push({ id: item.call_id, text: textOf(item.output) });
    else if (type === "reasoning") {
      const text = (item.content ?? []).map((part: Json) => part.text).join("") || (item.summary ?? []).map((part: Json) => part.text).join("\n\n");
      seen.reasoning.push({ text, ...(item.encrypted_content !== undefined && { signature: item.encrypted_content }) });
    } else if (type === "message" && item.role === "user") {
      const parts = typeof item.content === "string" ? [{ type: "input_text", text: item.content }] : item.content;
      for (const part of parts) {
        if (part.type === "input_text") seen.userText.push(part.text);
        if (part.type === "input_image") seen.images.push(dataUrl(part.image_url));
      }
    }
  }
  return seen;
}

export function readAnthropic(body: Json): Upstream {
  const seen = empty();
  for (const message of body.messages ?? []) {
    const blocks = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    for (const block of blocks) {
      if (block.type === "tool_use") seen.calls.push({ id: block.id, name: block.name });
      else if (block.type === "tool_result") seen.results.push({ id: block.tool_use_id, text: textOf(block.content) });
      else if (block.type === "thinking") seen.reasoning.push({ text: block.thinking, signature: block.signature });
      else if (block.type === "redacted_thinking") seen.reasoning.push({ text: "", signature: block.data });
      else if (block.type === "image") seen.images.push(block.source.type === "base64" ? { mediaType: block.source.media_type, data: block.source.data } : { mediaType: "url" });
      else if (block.type === "text" && message.role === "user") seen.userText.push(block.text);
    }
  }
  return seen;
}

export function readGemini(body: Json): Upstream {
  const seen = empty();
  for (const content of body.contents ?? []) {
    for (const part of content.parts ?? []) {
      if (part.functionCall) seen.calls.push({ id: part.functionCall.id, name: part.functionCall.name, ...(part.thoughtSignature && { signature: part.thoughtSignature }) });
      else if (part.functionResponse) seen.results.push({ id: part.functionResponse.id, name: part.functionResponse.name, text: textOf(part.functionResponse.response) });
      else if (part.thought) seen.reasoning.push({ text: part.text ?? "", ...(part.thoughtSignature && { signature: part.thoughtSignature }) });
      else if (part.inlineData) seen.images.push({ mediaType: part.inlineData.mimeType, data: part.inlineData.data });
      else if (part.text !== undefined && content.role === "user") seen.userText.push(part.text);
      // A signature on a plain model text part stands for the turn's reasoning (Gemini 3 style).
      if (!part.thought && !part.functionCall && part.thoughtSignature && content.role === "model") seen.reasoning.push({ text: "", signature: part.thoughtSignature });
    }
  }
  return seen;
}

export function readBedrock(body: Json): Upstream {
  const seen = empty();
  for (const message of body.messages ?? []) {
    for (const block of message.content ?? []) {
      if (block.toolUse) seen.calls.push({ id: block.toolUse.toolUseId, name: block.toolUse.name });
      else if (block.toolResult) seen.results.push({ id: block.toolResult.toolUseId, text: textOf(block.toolResult.content) });
      else if (block.reasoningContent?.reasoningText) seen.reasoning.push({ text: block.reasoningContent.reasoningText.text, signature: block.reasoningContent.reasoningText.signature });
      else if (block.reasoningContent?.redactedContent) seen.reasoning.push({ text: "", signature: block.reasoningContent.redactedContent });
      else if (block.image) seen.images.push({ mediaType: `image/${block.image.format}`, data: block.image.source?.bytes });
      else if (block.text !== undefined && message.role === "user") seen.userText.push(block.text);
    }
  }
  return seen;
}

/** local-stub has no wire: its `echo_call` answer is the JSON summary of the canonical call it received. */
export function readStubEcho(text: string): Upstream {
  const seen = empty();
  const summary = JSON.parse(text) as Json;
  for (const message of summary.messages) {
    for (const part of message.parts) {
      if (part.type === "tool_call") seen.calls.push({ id: part.id, name: part.name, ...(part.signature && { signature: part.signature.value }) });
      else if (part.type === "tool_result") seen.results.push({ id: part.callId, text: textOf(part.content) });
      else if (part.type === "reasoning") seen.reasoning.push({ text: part.text, ...((part.signature ?? part.opaque) && { signature: (part.signature ?? part.opaque).value }) });
      else if (part.type === "image") seen.images.push({ mediaType: part.mediaType });
      else if (part.type === "text" && message.role === "user") seen.userText.push(part.text);
    }
  }
  return seen;
}
