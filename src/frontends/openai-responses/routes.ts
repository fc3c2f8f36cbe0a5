import type { EncodedError, FrontendRoute } from "../../core/codec.ts";
import { checkCallLimits } from "../../core/model/limits.ts";
import { LipError } from "../../core/model/errors.ts";
import { encodeOpenAIError } from "../shared/openai-errors.ts";
import { decodeResponsesRequest } from "./decode.ts";
import { cancelResponse, deleteResponse, listInputItems, retrieveResponse } from "./stored-routes.ts";

function errorResponse(error: LipError, extraHeaders: Record<string, string> = {}): Response {
  const encoded: EncodedError = encodeOpenAIError(error.error);
  return Response.json(encoded.body, { status: encoded.status, headers: { ...encoded.headers, ...extraHeaders } });
}

/**
 * Codex tries `GET /v1/responses` with `Upgrade: websocket` before HTTP. It falls back to HTTP
 * at once only on a 426 answer to that handshake (any other failure is retried for seconds), so
 * the upgrade is refused with 426 and the connection closed.
 */
function refuseUpgrade(request: Request): Response {
  const wantsWebSocket = request.headers.get("upgrade")?.toLowerCase().includes("websocket") ?? false;
  if (!wantsWebSocket) {
    return errorResponse(new LipError("invalid_request", "method GET not allowed on the Responses endpoint; use POST", { status: 405, code: "method_not_allowed" }), {
      allow: "POST",
    });
  }
  const refusal = new LipError(
    "invalid_request",
    "WebSocket mode of the Responses API is not supported by this gateway; use HTTP POST with stream: true",
    { status: 426, code: "websocket_not_supported" },
  );
  return errorResponse(refusal, { connection: "close" });
}

function withBothPrefixes(route: FrontendRoute): FrontendRoute[] {
  return [route, { ...route, pattern: route.pattern.replace(/^\/v1/, "") }];
}

export const responsesRoutes: readonly FrontendRoute[] = [
  ...withBothPrefixes({ method: "GET", pattern: "/v1/responses", handle: refuseUpgrade }),
  ...withBothPrefixes({
    method: "POST",
    pattern: "/v1/responses/input_tokens",
    async handle(request, inbound, services) {
      const decoded = decodeResponsesRequest(await services.readJsonBody(request), inbound);
      const call = decoded.continuation?.previousId === undefined ? decoded : await services.continueCall(decoded, request.headers);
      checkCallLimits(call, inbound.limits);
      const inputTokens = await services.countTokens(call, request.headers);
      return Response.json({ object: "response.input_tokens", input_tokens: inputTokens });
    },
  }),
  ...withBothPrefixes({ method: "POST", pattern: "/v1/responses/{id}/cancel", handle: cancelResponse }),
  ...withBothPrefixes({ method: "GET", pattern: "/v1/responses/{id}/input_items", handle: listInputItems }),
  ...withBothPrefixes({ method: "GET", pattern: "/v1/responses/{id}", handle: retrieveResponse }),
  ...withBothPrefixes({ method: "DELETE", pattern: "/v1/responses/{id}", handle: deleteResponse }),
];
