import type { RawUsage, StreamPayload } from "./stream.ts";

interface MessageJson {
  id?: string;
  model?: string;
  content?: Array<Record<string, unknown> & { type?: string }>;
  stop_reason?: string | null;
  stop_sequence?: string | null;
  usage?: RawUsage;
}

/**
 * A whole (non-streamed) Messages response as the stream payloads that would have produced it,
 * so one mapper serves both. Used when a compatible server ignores `stream: true`.
 */
export function messagePayloads(message: MessageJson): StreamPayload[] {
  const payloads: StreamPayload[] = [{ type: "message_start", message: { ...(message.id && { id: message.id }), ...(message.model && { model: message.model }), ...(message.usage && { usage: message.usage }) } }];
  (message.content ?? []).forEach((block, index) => {
    switch (block.type) {
      case "text":
        payloads.push({ type: "content_block_start", index, content_block: { type: "text", text: String(block.text ?? "") } });
        break;
      case "thinking":
        payloads.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: String(block.thinking ?? ""), signature: "" } });
        if (typeof block.signature === "string") payloads.push({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: block.signature } });
        break;
      case "tool_use":
        payloads.push({ type: "content_block_start", index, content_block: { type: "tool_use", input: {}, ...(typeof block.id === "string" && { id: block.id }), ...(typeof block.name === "string" && { name: block.name }) } });
        payloads.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input ?? {}) } });
        break;
      default:
        payloads.push({ type: "content_block_start", index, content_block: block as StreamPayload["content_block"] & object });
    }
    payloads.push({ type: "content_block_stop", index });
  });
  payloads.push({ type: "message_delta", delta: { stop_reason: message.stop_reason ?? null, stop_sequence: message.stop_sequence ?? null } });
  payloads.push({ type: "message_stop" });
  return payloads;
}
