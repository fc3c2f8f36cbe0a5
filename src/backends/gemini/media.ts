import type { FilePart, ImagePart } from "../../core/model/parts.ts";
import type { GeminiPart } from "./wire.ts";

/** Media types by file extension, for URLs that arrive without one (Vertex requires `mimeType`). */
const mediaTypes: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  html: "text/html",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  ogg: "audio/ogg",
  flac: "audio/flac",
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
};

function guessMediaType(url: string): string | undefined {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    // not a URL (a bare file name): use the text as it is
  }
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
  return extension ? mediaTypes[extension] : undefined;
}

function dataUrl(url: string): { mimeType: string; data: string } | undefined {
  const match = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s.exec(url);
  return match ? { mimeType: match[1]!, data: match[2]! } : undefined;
}

/**
 * An image or file as a Gemini part: base64 → `inlineData`; a URL (https, gs://, a Files API
 * URI) → `fileData`; a `data:` URL → `inlineData`; a provider file id → `fileData` by that URI
 * (Gemini answers for ids it does not know); a text document → a text part.
 */
export function mediaPart(part: ImagePart | FilePart): GeminiPart {
  const source = part.source;
  switch (source.kind) {
    case "base64":
      return { inlineData: { mimeType: source.mediaType, data: source.data } };
    case "url": {
      const inline = dataUrl(source.url);
      if (inline) return { inlineData: inline };
      const mimeType = source.mediaType ?? guessMediaType(source.url);
      return { fileData: { ...(mimeType && { mimeType }), fileUri: source.url } };
    }
    case "file_id": {
      const mimeType = source.mediaType ?? guessMediaType(source.fileId);
      return { fileData: { ...(mimeType && { mimeType }), fileUri: source.fileId } };
    }
    case "text": {
      const name = part.type === "file" && part.filename ? `${part.filename}\n\n` : "";
      return { text: `${name}${source.text}` };
    }
    default: {
      const exhaustive: never = source;
      return exhaustive;
    }
  }
}
