import { invalidRequest } from "../../core/model/errors.ts";
import type { Extensions, FilePart, ImagePart, MediaSource, TextPart } from "../../core/model/parts.ts";
import { expectArray, expectObject, expectString, type JsonObject, optionalString } from "../shared/validate.ts";

/**
 * Wire fields the canonical model has no place for (cache_control, citations, caller, …), kept
 * under `extensions.anthropic` so an Anthropic backend can put them back where they were.
 */
export function extrasOf(object: JsonObject, mapped: ReadonlySet<string>): Extensions | undefined {
  let extras: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(object)) {
    if (mapped.has(key) || value === undefined) continue;
    (extras ??= {})[key] = value;
  }
  return extras ? { anthropic: extras } : undefined;
}

function withExtras<T extends object>(part: T, extensions: Extensions | undefined): T {
  return extensions ? { ...part, extensions } : part;
}

/**
 * Block types that only Anthropic's own servers produce or understand (server tools, MCP, search
 * results, compaction). The canonical model has no part for them, so they ride as an empty text
 * part whose `extensions.anthropic.block` is the block verbatim: an Anthropic backend re-emits it
 * in place; every other backend sees no text (search results are rendered as text for them).
 */
const carriedBlockTypes: ReadonlySet<string> = new Set([
  "server_tool_use",
  "mcp_tool_use",
  "mcp_tool_result",
  "search_result",
  "container_upload",
  "compaction",
  "tool_reference",
  "encrypted_code_execution_result",
]);

export function isCarriedBlock(type: string): boolean {
  return carriedBlockTypes.has(type) || (type.endsWith("_tool_result") && type !== "tool_result");
}

export function carriedBlock(block: JsonObject, type: string): TextPart {
  let text = "";
  if (type === "search_result" && Array.isArray(block.content)) {
    const body = block.content.map((item) => (item !== null && typeof item === "object" && typeof (item as JsonObject).text === "string" ? (item as JsonObject).text : "")).join("\n");
    text = [block.title, block.source, body].filter((line) => typeof line === "string" && line !== "").join("\n");
  }
  return { type: "text", text, extensions: { anthropic: { block } } };
}

const textFields: ReadonlySet<string> = new Set(["type", "text"]);

export function decodeTextBlock(block: JsonObject, path: string): TextPart {
  return withExtras({ type: "text", text: expectString(block.text, `${path}.text`) }, extrasOf(block, textFields));
}

function decodeImageSource(value: unknown, path: string): MediaSource {
  const source = expectObject(value, path);
  const type = expectString(source.type, `${path}.type`);
  switch (type) {
    case "base64":
      return { kind: "base64", mediaType: expectString(source.media_type, `${path}.media_type`), data: expectString(source.data, `${path}.data`) };
    case "url":
      return { kind: "url", url: expectString(source.url, `${path}.url`) };
    case "file":
      return { kind: "file_id", fileId: expectString(source.file_id, `${path}.file_id`) };
    default:
      throw invalidRequest(`${path}.type: unknown image source type '${type}'`, `${path}.type`);
  }
}

const imageFields: ReadonlySet<string> = new Set(["type", "source"]);

export function decodeImageBlock(block: JsonObject, path: string): ImagePart {
  return withExtras({ type: "image", source: decodeImageSource(block.source, `${path}.source`) }, extrasOf(block, imageFields));
}

/** A document's source; `content` sources (text and image blocks) flatten to text, the original kept for Anthropic. */
function decodeDocumentSource(value: unknown, path: string): { source: MediaSource; keepRaw: boolean } {
  const source = expectObject(value, path);
  const type = expectString(source.type, `${path}.type`);
  switch (type) {
    case "base64":
      return { source: { kind: "base64", mediaType: expectString(source.media_type, `${path}.media_type`), data: expectString(source.data, `${path}.data`) }, keepRaw: false };
    case "url":
      // Anthropic URL documents are PDFs; the media type tells other providers what they fetch.
      return { source: { kind: "url", url: expectString(source.url, `${path}.url`), mediaType: "application/pdf" }, keepRaw: false };
    case "text":
      return { source: { kind: "text", text: expectString(source.data, `${path}.data`), mediaType: optionalString(source.media_type, `${path}.media_type`) ?? "text/plain" }, keepRaw: false };
    case "file":
      return { source: { kind: "file_id", fileId: expectString(source.file_id, `${path}.file_id`) }, keepRaw: false };
    case "content": {
      const content = source.content;
      const text = typeof content === "string"
        ? content
        : expectArray(content, `${path}.content`)
            .map((item, i) => expectObject(item, `${path}.content[${i}]`))
            .map((item) => (item.type === "text" && typeof item.text === "string" ? item.text : ""))
            .join("\n");
      return { source: { kind: "text", text, mediaType: "text/plain" }, keepRaw: true };
    }
    default:
      throw invalidRequest(`${path}.type: unknown document source type '${type}'`, `${path}.type`);
  }
}

const documentFields: ReadonlySet<string> = new Set(["type", "source", "title"]);

export function decodeDocumentBlock(block: JsonObject, path: string): FilePart {
  const { source, keepRaw } = decodeDocumentSource(block.source, `${path}.source`);
  const title = optionalString(block.title, `${path}.title`);
  let extensions = extrasOf(block, documentFields);
  if (keepRaw) extensions = { anthropic: { ...extensions?.anthropic, source: block.source } };
  return withExtras({ type: "file", source, ...(title !== undefined && { filename: title }) }, extensions);
}
