import { LipError } from "../core/model/errors.ts";

/**
 * Reads a request body up to `limit` bytes: a declared Content-Length over the limit is refused
 * before reading, and a chunked body is cut off as soon as it passes the limit.
 */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  // A declared length within the limit is read natively in one go (no JS stream per request);
  // Bun stops a body at its declared length.
  if (declared !== null) {
    const bytes = await request.bytes();
    if (bytes.byteLength > limit) throw tooLarge(limit);
    return bytes;
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(limit: number): LipError {
  return new LipError("request_too_large", `request body too large (limit ${limit} bytes)`, { code: "request_too_large" });
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Parse JSON with a 400 that says what is wrong. */
export function parseJsonBody(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) throw new LipError("invalid_request", "request body is empty; expected a JSON object", { code: "invalid_json" });
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new LipError("invalid_request", "request body is not valid UTF-8", { code: "invalid_json" });
  }
  try {
    return JSON.parse(text);
  } catch (thrown) {
    const detail = thrown instanceof Error ? thrown.message : String(thrown);
    throw new LipError("invalid_request", `malformed JSON in request body: ${detail}`, { code: "invalid_json" });
  }
}
