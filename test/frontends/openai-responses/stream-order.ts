/**
 * The OpenResponses stream-order rules (the suite's `ResponseStreamValidator`, state-machines/
 * typescript in openresponses/openresponses), as our own checker:
 * - sequence numbers strictly increase;
 * - the response goes created → (queued →) in_progress → completed | failed | incomplete
 *   (a failure may also come first); completed and incomplete need in_progress before them;
 * - each item id is added once, then done once; each content part (item id + content index)
 *   is added once, then done once; deltas and dones of a part or item need it open;
 * - when the stream ends the response, every item and every part are done.
 *
 * One deliberate difference: the published router keys `reasoning_summary_part.*` by
 * `content_index`, which those events do not carry, so it rejects every reasoning summary. Here
 * summary parts are keyed by their `summary_index`, which is what the rule means.
 */
type Json = Record<string, any>;

const responseMoves: Record<string, Record<string, string>> = {
  idle: { "response.created": "created", "response.queued": "queued", "response.in_progress": "in_progress", "response.failed": "failed" },
  created: { "response.queued": "queued", "response.in_progress": "in_progress" },
  queued: { "response.in_progress": "in_progress" },
  in_progress: { "response.completed": "completed", "response.failed": "failed", "response.incomplete": "incomplete" },
};
const terminal = new Set(["completed", "failed", "incomplete"]);

const contentEvents = new Set([
  "response.output_text.delta",
  "response.output_text.done",
  "response.output_text.annotation.added",
  "response.refusal.delta",
  "response.refusal.done",
  "response.reasoning.delta",
  "response.reasoning.done",
  "response.reasoning_text.delta",
  "response.reasoning_text.done",
]);
const summaryEvents = new Set(["response.reasoning_summary_text.delta", "response.reasoning_summary_text.done"]);
const itemEvents = new Set(["response.function_call_arguments.delta", "response.function_call_arguments.done"]);

/** Order violations of a whole stream of event payloads, in the suite's `[RULE] message` form. */
export function streamOrderErrors(events: readonly Json[]): string[] {
  const errors: string[] = [];
  let sequence = -1;
  let response = "idle";
  const items = new Map<string, "active" | "done">();
  const parts = new Map<string, "active" | "done">();

  const openPart = (key: string, type: string) => {
    if (parts.has(key)) errors.push(`[DUPLICATE_CONTENT_PART] ${type}: part '${key}' was already added`);
    else parts.set(key, "active");
  };
  const closePart = (key: string, type: string) => {
    if (parts.get(key) !== "active") errors.push(`[INVALID_CONTENT_PART_TRANSITION] ${type}: part '${key}' is ${parts.get(key) ?? "unknown"}`);
    else parts.set(key, "done");
  };
  const usePart = (itemId: string, key: string, type: string) => {
    if (!items.has(itemId)) errors.push(`[UNKNOWN_ITEM] ${type} references unknown item '${itemId}'`);
    else if (parts.get(key) !== "active") errors.push(`[UNKNOWN_CONTENT_PART] ${type}: part '${key}' is ${parts.get(key) ?? "unknown"}`);
  };

  for (const event of events) {
    const type = String(event.type);
    if (!(event.sequence_number > sequence)) errors.push(`[NON_MONOTONIC_SEQUENCE] ${type}: ${event.sequence_number} after ${sequence}`);
    sequence = event.sequence_number;
    if (type.startsWith("response.") && type.split(".").length === 2) {
      const next = responseMoves[response]?.[type];
      if (next) response = next;
      else errors.push(`[INVALID_RESPONSE_TRANSITION] '${type}' in response state '${response}'`);
    } else if (type === "response.output_item.added") {
      if (items.has(event.item?.id)) errors.push(`[DUPLICATE_ITEM] item '${event.item?.id}' was already added`);
      else items.set(event.item?.id, "active");
    } else if (type === "response.output_item.done") {
      if (items.get(event.item?.id) !== "active") errors.push(`[INVALID_ITEM_TRANSITION] output_item.done for item '${event.item?.id}' that is ${items.get(event.item?.id) ?? "unknown"}`);
      else items.set(event.item?.id, "done");
    } else if (type === "response.content_part.added" || type === "response.reasoning_summary_part.added") {
      if (!items.has(event.item_id)) errors.push(`[UNKNOWN_ITEM] ${type} references unknown item '${event.item_id}'`);
      else openPart(partKey(event), type);
    } else if (type === "response.content_part.done" || type === "response.reasoning_summary_part.done") {
      closePart(partKey(event), type);
    } else if (contentEvents.has(type) || summaryEvents.has(type)) {
      usePart(event.item_id, partKey(event), type);
    } else if (itemEvents.has(type) && items.get(event.item_id) !== "active") {
      errors.push(`[INVALID_ITEM_TRANSITION] ${type} for item '${event.item_id}' that is ${items.get(event.item_id) ?? "unknown"}`);
    }
  }

  if (!terminal.has(response)) errors.push(`[RESPONSE_NOT_TERMINATED] stream ended in response state '${response}'`);
  for (const [id, state] of items) if (state !== "done") errors.push(`[ITEM_NOT_TERMINATED] item '${id}' never done`);
  for (const [key, state] of parts) if (state !== "done") errors.push(`[CONTENT_PART_NOT_TERMINATED] part '${key}' never done`);
  return errors;
}

function partKey(event: Json): string {
  return event.type.includes("summary") ? `${event.item_id}:summary:${event.summary_index}` : `${event.item_id}:${event.content_index}`;
}
