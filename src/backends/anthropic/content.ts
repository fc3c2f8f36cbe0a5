import { invalidRequest } from "../../core/model/errors.ts";
import type { FilePart, ImagePart, Part, TextPart } from "../../core/model/parts.ts";
import { isBlankText } from "../shared/claude-text.ts";

/** One Messages API content block, as sent on the wire. */
export type Block = Record<string, unknown> & { type: string };

const imageTypes: ReadonlySet<string> = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

/** Fields only an Anthropic-aware decoder puts on a part (cache_control, citations, title…). */
export function anthropicFields(part: { extensions?: Part["extensions"] }): Record<string, unknown> {
  return part.extensions?.anthropic ?? {};
}

/** The verbatim Anthropic block a text part carries, if any. */
export function carriedBlock(part: TextPart): Block | undefined {
  const block = anthropicFields(part).block;
  if (block === null || typeof block !== "object" || Array.isArray(block) || typeof (block as Block).type !== "string") return undefined;
  return block as Block;
}

function imageMediaType(mediaType: string, path: string): string {
  const normalised = mediaType.toLowerCase() === "image/jpg" ? "image/jpeg" : mediaType.toLowerCase();
  if (!imageTypes.has(normalised)) {
    throw invalidRequest(`${path}: image type '${mediaType}' is not accepted by Anthropic (jpeg, png, gif, webp)`, path, "unsupported_content");
  }
  return normalised;
}

export function imageBlock(part: ImagePart, path: string): Block {
  const source = part.source;
  const extra = anthropicFields(part);
  switch (source.kind) {
    case "base64":
      return { ...extra, type: "image", source: { type: "base64", media_type: imageMediaType(source.mediaType, path), data: source.data } };
    case "url":
      return { ...extra, type: "image", source: { type: "url", url: source.url } };
    case "file_id":
      return { ...extra, type: "image", source: { type: "file", file_id: source.fileId } };
    case "text":
      throw invalidRequest(`${path}: an image cannot have a text source`, path, "unsupported_content");
    default: {
      const exhaustive: never = source;
      return exhaustive;
    }
  }
}

/**
 * PDFs and plain text become `document` blocks; an image sent as a file becomes an image block.
 * An Anthropic client's own `source` (e.g. a `content` source the canonical model flattened to
 * text) is in the part's extensions and wins over the rebuilt one.
 */
export function documentBlock(part: FilePart, path: string): Block {
  const source = part.source;
  const fields = anthropicFields(part);
  if (fields.source !== undefined) return { type: "document", ...(part.filename && { title: part.filename }), ...fields };
  const extra = { ...(part.filename && { title: part.filename }), ...fields };
  const mediaType = (source.mediaType ?? "").toLowerCase();
  if (mediaType.startsWith("image/") && source.kind !== "text") {
    return imageBlock({ type: "image", source, ...(part.extensions && { extensions: part.extensions }) }, path);
  }
  switch (source.kind) {
    case "base64":
      if (mediaType === "application/pdf") return { ...extra, type: "document", source: { type: "base64", media_type: "application/pdf", data: source.data } };
      if (mediaType.startsWith("text/")) {
        return { ...extra, type: "document", source: { type: "text", media_type: "text/plain", data: Buffer.from(source.data, "base64").toString("utf8") } };
      }
      throw invalidRequest(`${path}: file type '${source.mediaType}' is not accepted by Anthropic (PDF, plain text or images)`, path, "unsupported_content");
    case "url":
      return { ...extra, type: "document", source: { type: "url", url: source.url } };
    case "file_id":
      return { ...extra, type: "document", source: { type: "file", file_id: source.fileId } };
    case "text":
      return { ...extra, type: "document", source: { type: "text", media_type: "text/plain", data: source.text } };
    default: {
      const exhaustive: never = source;
      return exhaustive;
    }
  }
}

/**
 * Text, image or file content; undefined for empty or whitespace-only text, which Anthropic rejects. A text part
 * carrying an Anthropic-only block (server tool use and results, search results, MCP…) in
 * `extensions.anthropic.block` is that block, verbatim.
 */
export function contentBlock(part: TextPart | ImagePart | FilePart, path: string): Block | undefined {
  switch (part.type) {
    case "text": {
      const carried = carriedBlock(part);
      if (carried) return carried;
      return isBlankText(part.text) ? undefined : { ...anthropicFields(part), type: "text", text: part.text };
    }
    case "image":
      return imageBlock(part, path);
    case "file":
      return documentBlock(part, path);
    default: {
      const exhaustive: never = part;
      return exhaustive;
    }
  }
}
