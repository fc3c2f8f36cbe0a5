import type { FrontendServices, InboundRequest } from "../../core/codec.ts";
import type { StoredConversation } from "../../core/continuity/conversation-types.ts";
import { invalidRequest, LipError } from "../../core/model/errors.ts";
import { inputItems } from "./input-items.ts";
import { nativeDialect } from "./reasoning-envelope.ts";

/**
 * The by-id routes over kept responses: retrieve, delete, list input items, cancel. Only the
 * client that stored a response finds it (the server checks its credential); to anyone else,
 * and for ids that were never kept, expired or were deleted, it does not exist.
 */

function notFound(id: string, services: FrontendServices): LipError {
  const why = services.storedResponses
    ? "responses sent with store: false are not kept, and kept ones expire (continuity.stored_responses.ttl) or are evicted"
    : "this gateway keeps no responses (continuity.stored_responses.enabled is false)";
  return new LipError("not_found", `Response with id '${id}' not found: ${why}.`, { code: "response_not_found", param: "response_id" });
}

async function kept(request: Request, inbound: InboundRequest, services: FrontendServices): Promise<StoredConversation> {
  const id = inbound.params.id ?? "";
  const record = await services.storedResponses?.get(id, request.headers);
  if (!record || record.dialect !== nativeDialect) throw notFound(id, services);
  return record;
}

export async function retrieveResponse(request: Request, inbound: InboundRequest, services: FrontendServices): Promise<Response> {
  const record = await kept(request, inbound, services);
  if (inbound.url.searchParams.get("stream") === "true") {
    throw invalidRequest("stream: replaying a response's events is only for background responses, which this gateway does not run", "stream", "unsupported_parameter");
  }
  return Response.json(record.rendered);
}

export async function deleteResponse(request: Request, inbound: InboundRequest, services: FrontendServices): Promise<Response> {
  const record = await kept(request, inbound, services);
  if (!(await services.storedResponses!.delete(record.id, request.headers))) throw notFound(record.id, services);
  return Response.json({ id: record.id, object: "response.deleted", deleted: true });
}

/** The background-only cancel: a kept response has finished already; an unknown one is 404. */
export async function cancelResponse(request: Request, inbound: InboundRequest, services: FrontendServices): Promise<Response> {
  const record = await kept(request, inbound, services);
  throw new LipError("invalid_request", `Response with id '${record.id}' cannot be cancelled: only background responses can be, and this gateway runs none (this one has finished).`, {
    code: "response_not_cancellable",
    param: "response_id",
  });
}

function listQuery(url: URL): { limit: number; order: "asc" | "desc"; after?: string } {
  const raw = url.searchParams;
  const limitText = raw.get("limit");
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidRequest(`limit: expected an integer from 1 to 100, got '${limitText}'`, "limit");
  const order = raw.get("order") ?? "desc";
  if (order !== "asc" && order !== "desc") throw invalidRequest(`order: expected 'asc' or 'desc', got '${order}'`, "order");
  const after = raw.get("after") ?? undefined;
  return { limit, order, ...(after !== undefined && { after }) };
}

/** `GET /v1/responses/{id}/input_items`: a cursor page (`limit`, `order`, `after`) in the list shape. */
export async function listInputItems(request: Request, inbound: InboundRequest, services: FrontendServices): Promise<Response> {
  const record = await kept(request, inbound, services);
  const { limit, order, after } = listQuery(inbound.url);
  const all = inputItems(record.id, record.messages.slice(record.preamble));
  if (order === "desc") all.reverse();
  let start = 0;
  if (after !== undefined) {
    const position = all.findIndex((item) => item.id === after);
    if (position < 0) throw invalidRequest(`after: no input item '${after}' in response '${record.id}'`, "after");
    start = position + 1;
  }
  const data = all.slice(start, start + limit);
  return Response.json({
    object: "list",
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: start + limit < all.length,
  });
}
