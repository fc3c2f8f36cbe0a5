import type { FrontendCodec } from "../../core/codec.ts";
import { encodeOpenAIError } from "../shared/openai-errors.ts";
import { decodeResponsesRequest, dialect } from "./decode.ts";
import { encodeResponsesResponse } from "./encode-response.ts";
import { responsesRoutes } from "./routes.ts";
import { createResponsesStreamEncoder } from "./stream-encoder.ts";

export const openaiResponsesFrontend: FrontendCodec = {
  dialect,
  generateRoutes: ["/v1/responses", "/responses"],
  decode: (body, request) => decodeResponsesRequest(body, request),
  encodeResponse: encodeResponsesResponse,
  createStreamEncoder: (call, request) => createResponsesStreamEncoder(call, request),
  encodeError: encodeOpenAIError,
  extraRoutes: responsesRoutes,
};
