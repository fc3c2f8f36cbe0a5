import { invalidRequest } from "../../core/model/errors.ts";
import type { FilePart, ImagePart, MediaSource, TextPart } from "../../core/model/parts.ts";
import { expectArray, expectObject, expectString, optionalString, parseDataUrl } from "../shared/validate.ts";

export type InputContentPart = TextPart | ImagePart | FilePart;

const details: ReadonlySet<string> = new Set(["auto", "low", "high"]);

const mediaTypeByExtension: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  html: "text/html",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

/** Responses `file_data` is normally a data URL; bare base64 gets its type from the filename (PDF when unknown). */
function fileDataSource(fileData: string, filename: string | undefined): MediaSource {
  const data = parseDataUrl(fileData);
  if (data) return { kind: "base64", mediaType: data.mediaType, data: data.data };
  const extension = filename?.split(".").pop()?.toLowerCase() ?? "";
  return { kind: "base64", mediaType: mediaTypeByExtension[extension] ?? "application/pdf", data: fileData };
}

function decodeImage(part: Record<string, unknown>, path: string): ImagePart {
  const url = optionalString(part.image_url, `${path}.image_url`);
  const fileId = optionalString(part.file_id, `${path}.file_id`);
  const detail = optionalString(part.detail, `${path}.detail`);
  let source: MediaSource;
  if (url !== undefined) {
    const data = parseDataUrl(url);
    source = data ? { kind: "base64", mediaType: data.mediaType, data: data.data } : { kind: "url", url };
  } else if (fileId !== undefined) {
    source = { kind: "file_id", fileId };
  } else {
    throw invalidRequest(`${path}: input_image needs image_url or file_id`, path);
  }
  // "original" and future values have no canonical equivalent: the backend's default applies.
  return { type: "image", source, ...(detail && details.has(detail) && { detail: detail as ImagePart["detail"] }) };
}

function decodeFile(part: Record<string, unknown>, path: string): FilePart {
  const filename = optionalString(part.filename, `${path}.filename`);
  const fileId = optionalString(part.file_id, `${path}.file_id`);
  const fileUrl = optionalString(part.file_url, `${path}.file_url`);
  const fileData = optionalString(part.file_data, `${path}.file_data`);
  let source: MediaSource;
  if (fileData !== undefined) source = fileDataSource(fileData, filename);
  else if (fileId !== undefined) source = { kind: "file_id", fileId };
  else if (fileUrl !== undefined) source = { kind: "url", url: fileUrl };
  else throw invalidRequest(`${path}: input_file needs file_data, file_id or file_url`, path);
  return { type: "file", source, ...(filename && { filename }) };
}

/** One content part of a message or of a function_call_output. */
export function decodeContentPart(value: unknown, path: string): InputContentPart {
  const part = expectObject(value, path);
  const type = expectString(part.type, `${path}.type`);
  switch (type) {
    case "input_text":
    case "output_text":
    case "text":
    case "summary_text":
      return { type: "text", text: expectString(part.text, `${path}.text`) };
    case "refusal":
      return { type: "text", text: expectString(part.refusal, `${path}.refusal`) };
    case "input_image":
      return decodeImage(part, path);
    case "input_file":
      return decodeFile(part, path);
    case "input_audio":
    case "input_video":
      throw invalidRequest(`${path}: ${type} content is not supported by this gateway`, path, "unsupported_content");
    default:
      throw invalidRequest(`${path}.type: unknown content part type '${type}'`, `${path}.type`);
  }
}

/** Message content: a string (one text part; empty = none) or an array of parts. */
export function decodeContent(value: unknown, path: string): InputContentPart[] {
  if (value === undefined || value === null) return [];
  if (typeof value === "string") return value === "" ? [] : [{ type: "text", text: value }];
  return expectArray(value, path).map((part, i) => decodeContentPart(part, `${path}[${i}]`));
}

/** A tool's output: a string, an array of parts, or (leniently) any other JSON value as its text. */
export function decodeToolOutput(value: unknown, path: string): InputContentPart[] {
  if (typeof value === "string") return [{ type: "text", text: value }];
  if (Array.isArray(value)) return decodeContent(value, path);
  if (value === undefined || value === null) return [];
  return [{ type: "text", text: JSON.stringify(value) }];
}
