import type { FrontendCodec } from "../../core/codec.ts";
import { encodeOpenAIError } from "../shared/openai-errors.ts";
import { decodeChatRequest, dialect } from "./decode.ts";
import { createChatStreamEncoder, encodeChatResponse } from "./encode.ts";

export const openaiChatFrontend: FrontendCodec = {
  dialect,
  generateRoutes: ["/v1/chat/completions", "/chat/completions"],
  decode: (body) => decodeChatRequest(body),
  encodeResponse: encodeChatResponse,
  createStreamEncoder: (call) => createChatStreamEncoder(call),
  encodeError: encodeOpenAIError,
  extraRoutes: [
    {
      method: "GET",
      pattern: "/v1/models",
      handle: (_request, _inbound, services) =>
        Response.json({
          object: "list",
          data: services.listModels().map((model) => ({ id: model.selector ?? `${model.backendId}:${model.id}`, object: "model", created: 0, owned_by: model.backendId })),
        }),
    },
  ],
};
