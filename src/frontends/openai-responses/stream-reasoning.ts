import type { ProviderSignature } from "../../core/model/parts.ts";
import type { EventWriter } from "./stream-writer.ts";

type ReasoningSection = "summary" | "content";

/** One reasoning output item being streamed: summary parts and raw-thinking content parts. */
export interface ReasoningBlock {
  kind: "reasoning";
  index: number;
  outputIndex: number;
  id: string;
  summary: string[];
  content: string[];
  /** The sub-part being streamed, if any: its text is the last entry of `summary` or `content`. */
  open?: ReasoningSection;
  /** The canonical text and kind, which a wrapped signature must carry. */
  text: string;
  textKind?: "thinking" | "summary";
  signature?: ProviderSignature;
  opaque?: ProviderSignature;
}

/**
 * A summary delta goes to a `summary_text` part (`response.reasoning_summary_*`), raw thinking
 * to a `reasoning_text` content part (`response.content_part.*`, `response.reasoning_text.*`).
 * A change of kind within one block closes the current part and opens one of the other kind.
 */
export function appendReasoning(writer: EventWriter, block: ReasoningBlock, text: string, kind: "thinking" | "summary" | undefined): void {
  const section: ReasoningSection = kind === "summary" ? "summary" : "content";
  const item = { item_id: block.id, output_index: block.outputIndex };
  if (block.open !== section) {
    closeReasoningSection(writer, block);
    block.open = section;
    if (section === "summary") {
      block.summary.push("");
      writer.emit("response.reasoning_summary_part.added", { ...item, summary_index: block.summary.length - 1, part: { type: "summary_text", text: "" } });
    } else {
      block.content.push("");
      writer.emit("response.content_part.added", { ...item, content_index: block.content.length - 1, part: { type: "reasoning_text", text: "" } });
    }
  }
  if (kind) block.textKind = kind;
  if (text === "") return;
  block.text += text;
  if (section === "summary") {
    const summaryIndex = block.summary.length - 1;
    block.summary[summaryIndex] += text;
    writer.emit("response.reasoning_summary_text.delta", { ...item, summary_index: summaryIndex, delta: text });
  } else {
    const contentIndex = block.content.length - 1;
    block.content[contentIndex] += text;
    writer.emit("response.reasoning_text.delta", { ...item, content_index: contentIndex, delta: text });
  }
}

export function closeReasoningSection(writer: EventWriter, block: ReasoningBlock): void {
  const section = block.open;
  if (!section) return;
  block.open = undefined;
  const item = { item_id: block.id, output_index: block.outputIndex };
  if (section === "summary") {
    const summaryIndex = block.summary.length - 1;
    const text = block.summary[summaryIndex]!;
    writer.emit("response.reasoning_summary_text.done", { ...item, summary_index: summaryIndex, text });
    writer.emit("response.reasoning_summary_part.done", { ...item, summary_index: summaryIndex, part: { type: "summary_text", text } });
  } else {
    const contentIndex = block.content.length - 1;
    const text = block.content[contentIndex]!;
    writer.emit("response.reasoning_text.done", { ...item, content_index: contentIndex, text });
    writer.emit("response.content_part.done", { ...item, content_index: contentIndex, part: { type: "reasoning_text", text } });
  }
}

export function appendSignature(previous: ProviderSignature | undefined, next: ProviderSignature): ProviderSignature {
  if (!previous || previous.dialect !== next.dialect) return { ...next };
  return { dialect: next.dialect, value: previous.value + next.value };
}
