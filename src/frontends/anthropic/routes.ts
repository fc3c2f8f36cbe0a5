import type { FrontendRoute, FrontendServices, InboundRequest, ModelInfo } from "../../core/codec.ts";
import { invalidRequest, LipError } from "../../core/model/errors.ts";
import { checkCallLimits } from "../../core/model/limits.ts";
import { decodeMessagesRequest } from "./request.ts";

/** `GET /v1/models` is shared with the OpenAI dialect; Anthropic clients always send this header. */
const speaksAnthropic = (request: Request): boolean => request.headers.has("anthropic-version");

/** Listed ids are route selectors (`backend:model`), so a listed id sent back as `model` routes to its backend. */
interface AnthropicModel {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
}

function modelObject(model: ModelInfo): AnthropicModel {
  const id = model.selector ?? `${model.backendId}:${model.id}`;
  // Backends report no release date; the epoch is a stable, honest "unknown".
  return { type: "model", id, display_name: id, created_at: "1970-01-01T00:00:00Z" };
}

function listModels(inbound: InboundRequest, services: FrontendServices): Response {
  const all = services.listModels().map(modelObject);
  const query = inbound.url.searchParams;
  const limitText = query.get("limit");
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalidRequest(`limit: expected an integer from 1 to 1000, got '${limitText}'`, "limit");
  const afterId = query.get("after_id");
  const beforeId = query.get("before_id");
  let start = 0;
  let end = all.length;
  if (afterId !== null) start = all.findIndex((model) => model.id === afterId) + 1;
  if (beforeId !== null) end = Math.max(0, all.findIndex((model) => model.id === beforeId));
  // Paging backwards (before_id) returns the page just before the cursor.
  const page = beforeId !== null ? all.slice(Math.max(start, end - limit), end) : all.slice(start, Math.min(end, start + limit));
  const hasMore = beforeId !== null ? end - page.length > start : start + page.length < end;
  return Response.json({
    data: page,
    has_more: hasMore,
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
  });
}

function retrieveModel(inbound: InboundRequest, services: FrontendServices): Response {
  const wanted = inbound.params.model ?? "";
  const model = services.listModels().map(modelObject).find((candidate) => candidate.id === wanted || candidate.id.endsWith(`:${wanted}`));
  if (!model) throw new LipError("not_found", `model: ${wanted}`, { code: "model_not_found" });
  return Response.json(model);
}

async function countTokens(request: Request, inbound: InboundRequest, services: FrontendServices): Promise<Response> {
  const body = await services.readJsonBody(request);
  const call = decodeMessagesRequest(body, { requireMaxTokens: false, log: inbound.log });
  checkCallLimits(call, inbound.limits);
  return Response.json({ input_tokens: await services.countTokens(call, request.headers) });
}

export const anthropicRoutes: readonly FrontendRoute[] = [
  { method: "POST", pattern: "/v1/messages/count_tokens", handle: (request, inbound, services) => countTokens(request, inbound, services) },
  { method: "GET", pattern: "/v1/models", when: speaksAnthropic, handle: (_request, inbound, services) => listModels(inbound, services) },
  { method: "GET", pattern: "/v1/models/{model}", when: speaksAnthropic, handle: (_request, inbound, services) => retrieveModel(inbound, services) },
];
