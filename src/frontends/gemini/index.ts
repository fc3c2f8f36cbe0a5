import type { FrontendCodec } from "../../core/codec.ts";
import { decodeGeminiRequest, dialect } from "./decode.ts";
import { encodeGeminiResponse } from "./encode-response.ts";
import { createGeminiStreamEncoder } from "./encode-stream.ts";
import { encodeGeminiError } from "./errors.ts";
import { geminiRoutes } from "./routes.ts";

/**
 * Gemini generateContent (v1beta, and v1 for generation). The model comes from the path; keys
 * (`x-goog-api-key` or `?key=`) are accepted and not required. Streaming is SSE with
 * `?alt=sse` (what every Google SDK asks for) and a progressively streamed JSON array without.
 */
export const geminiFrontend: FrontendCodec = {
  dialect,
  generateRoutes: [
    "/v1beta/models/{model}:generateContent",
    "/v1beta/models/{model}:streamGenerateContent",
    "/v1/models/{model}:generateContent",
    "/v1/models/{model}:streamGenerateContent",
  ],
  decode: decodeGeminiRequest,
  encodeResponse: encodeGeminiResponse,
  createStreamEncoder: createGeminiStreamEncoder,
  encodeError: encodeGeminiError,
  extraRoutes: geminiRoutes(["/v1beta", "/v1"]),
};
