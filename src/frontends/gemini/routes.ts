import type { FrontendRoute, FrontendServices, InboundRequest, ModelInfo } from "../../core/codec.ts";
import { invalidRequest, LipError } from "../../core/model/errors.ts";
import { checkCallLimits } from "../../core/model/limits.ts";
import { expectObject, optionalObject } from "../shared/validate.ts";
import { decodeGeminiRequest } from "./decode.ts";
import { bareModelName } from "./wire.ts";

const generationMethods = ["generateContent", "streamGenerateContent", "countTokens"];
const defaultPageSize = 50;
const maxPageSize = 1000;

/** A listed model's selector: sent back as the model name, it routes to that backend. */
function selectorOf(model: ModelInfo): string {
  return model.selector ?? `${model.backendId}:${model.id}`;
}

/** Listed names are `models/<selector>`, so a listed name sent back in the path reaches that model. */
function modelResource(model: ModelInfo): Record<string, unknown> {
  return {
    name: `models/${selectorOf(model)}`,
    displayName: model.id,
    description: `${model.id} served by backend '${model.backendId}'`,
    ...(model.contextWindow !== undefined && { inputTokenLimit: model.contextWindow }),
    ...(model.maxOutputTokens !== undefined && { outputTokenLimit: model.maxOutputTokens }),
    supportedGenerationMethods: generationMethods,
  };
}

function listModels(request: Request, services: FrontendServices): Response {
  const url = new URL(request.url);
  const sizeText = url.searchParams.get("pageSize");
  const size = sizeText === null ? defaultPageSize : Number(sizeText);
  if (!Number.isInteger(size) || size < 0) throw invalidRequest(`pageSize: expected a non-negative integer, got '${sizeText}'`, "pageSize");
  const token = url.searchParams.get("pageToken");
  const offset = token === null || token === "" ? 0 : Number(token);
  if (!Number.isInteger(offset) || offset < 0) throw invalidRequest("pageToken: not a token this server issued", "pageToken");
  const models = services.listModels();
  const end = offset + Math.min(size === 0 ? defaultPageSize : size, maxPageSize);
  return Response.json({
    models: models.slice(offset, end).map(modelResource),
    ...(end < models.length && { nextPageToken: String(end) }),
  });
}

function getModel(inbound: InboundRequest, services: FrontendServices): Response {
  const name = bareModelName(inbound.params.model ?? "");
  const models = services.listModels();
  const model = models.find((candidate) => selectorOf(candidate) === name) ?? models.find((candidate) => candidate.id === name);
  if (!model) throw new LipError("not_found", `models/${name} is not found`, { code: "model_not_found" });
  return Response.json(modelResource(model));
}

/** `{contents}` or `{generateContentRequest}` → `{totalTokens}`, counted by the backend the model routes to. */
async function countTokens(request: Request, inbound: InboundRequest, services: FrontendServices): Promise<Response> {
  const body = expectObject(await services.readJsonBody(request), "body");
  const nested = body.generateContentRequest ?? body.generate_content_request;
  const source = optionalObject(nested, "generateContentRequest") ?? body;
  const call = decodeGeminiRequest(source, inbound);
  checkCallLimits(call, inbound.limits);
  return Response.json({ totalTokens: await services.countTokens(call, request.headers) });
}

/**
 * `GET /v1/models` is also OpenAI's (and Anthropic's) listing; Google clients say who they are
 * with their key header or `?key=`, and the SDKs with `x-goog-api-client`.
 */
export function isGoogleClient(request: Request): boolean {
  if (request.headers.has("x-goog-api-key") || request.headers.has("x-goog-api-client")) return true;
  return new URL(request.url).searchParams.has("key");
}

export function geminiRoutes(prefixes: readonly string[]): FrontendRoute[] {
  return prefixes.flatMap((prefix): FrontendRoute[] => {
    const when = prefix === "/v1beta" ? undefined : isGoogleClient;
    return [
      { method: "POST", pattern: `${prefix}/models/{model}:countTokens`, handle: countTokens },
      { method: "GET", pattern: `${prefix}/models`, ...(when && { when }), handle: (request, _inbound, services) => listModels(request, services) },
      { method: "GET", pattern: `${prefix}/models/{model}`, ...(when && { when }), handle: (_request, inbound, services) => getModel(inbound, services) },
    ];
  });
}
