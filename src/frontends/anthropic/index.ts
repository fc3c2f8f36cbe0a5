import type { FrontendCodec } from "../../core/codec.ts";
import { encodeAnthropicError } from "./errors.ts";
import { decodeMessagesRequest } from "./request.ts";
import { encodeMessagesResponse } from "./response.ts";
import { anthropicRoutes } from "./routes.ts";
import { anthropicDialect } from "./signature.ts";
import { createMessagesStreamEncoder } from "./stream.ts";

/** Anthropic Messages: `POST /v1/messages` (Claude Code adds `?beta=true`), token counting, model listing. */
export const anthropicFrontend: FrontendCodec = {
  dialect: anthropicDialect,
  generateRoutes: ["/v1/messages"],
  decode: (body, request) => decodeMessagesRequest(body, { requireMaxTokens: true, log: request.log }),
  encodeResponse: encodeMessagesResponse,
  createStreamEncoder: (call) => createMessagesStreamEncoder(call),
  encodeError: encodeAnthropicError,
  extraRoutes: anthropicRoutes,
};
