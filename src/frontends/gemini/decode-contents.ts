import type { Message } from "../../core/model/call.ts";
import { invalidRequest } from "../../core/model/errors.ts";
import type { Part, ReasoningPart, ToolCallPart } from "../../core/model/parts.ts";
import { expectArray, expectObject, optionalString } from "../shared/validate.ts";
import { decodePart } from "./decode-parts.ts";
import { type CarriedReasoning, carriedToReasoning, geminiDialect } from "./signature.ts";

/**
 * Gemini may send calls without ids and matches results to calls by name and order. Calls
 * without an id get one derived from their position (stable across turns, as history only
 * grows); a result takes the id of the call it answers: by id when the ids agree, else the
 * oldest unanswered call of the same name. A client that ids its results but not the model's
 * calls (Gemini CLI does) lends its id to the call, so both sides carry the client's id.
 */
function createCallMatcher() {
  let pending: Array<{ part: ToolCallPart; minted: boolean }> = [];
  return {
    /** A model turn after a user turn: calls left unanswered before it can no longer be answered. */
    newModelTurn(): void {
      pending = [];
    },
    call(part: ToolCallPart, id: string | undefined, position: string): void {
      part.id = id ?? `gemini_call_${position}`;
      pending.push({ part, minted: id === undefined });
    },
    result(name: string, id: string | undefined, position: string): string {
      let index = id === undefined ? -1 : pending.findIndex((entry) => entry.part.id === id);
      if (index < 0) index = pending.findIndex((entry) => entry.part.name === name);
      if (index < 0) return id ?? `gemini_result_${position}`;
      const [entry] = pending.splice(index, 1);
      if (entry!.minted && id !== undefined) entry!.part.id = id;
      return entry!.part.id;
    },
  };
}

function sameSignature(part: Part, carried: CarriedReasoning): boolean {
  if (part.type !== "reasoning") return false;
  const key = carried.signature ?? carried.opaque;
  const own = carried.signature ? part.signature : part.opaque;
  return key !== undefined && own !== undefined && own.dialect === key.dialect && own.value === key.value;
}

/**
 * Thought parts that were streamed as several parts come back as several parts. A later part
 * absorbs an earlier unsigned one, except into a Gemini-signed part: Gemini asks that a part
 * with a signature is never merged with one without. A foreign block's envelope rides on its
 * last part only, so that part's kind (a Responses summary) names the whole block.
 */
function appendModelPart(parts: Part[], part: Part): void {
  const previous = parts[parts.length - 1];
  if (
    part.type === "reasoning" &&
    previous?.type === "reasoning" &&
    !previous.signature &&
    !previous.opaque &&
    part.signature?.dialect !== geminiDialect &&
    ((previous.kind ?? "thinking") === (part.kind ?? "thinking") || part.signature !== undefined || part.opaque !== undefined)
  ) {
    parts[parts.length - 1] = { ...part, text: previous.text + part.text } as ReasoningPart;
    return;
  }
  parts.push(part);
}

/** `{text: ""}` with nothing else: what a Gemini stream's closing element carries; it says nothing. */
function isEmptyText(part: Part): boolean {
  return part.type === "text" && part.text === "" && !part.signature && !part.extensions;
}

/** `contents[]` → messages: roles user/model (model = assistant), results split into tool messages. */
export function decodeContents(value: unknown): Message[] {
  const messages: Message[] = [];
  const calls = createCallMatcher();
  let previousRole: string | undefined;
  expectArray(value, "contents").forEach((raw, c) => {
    const path = `contents[${c}]`;
    const content = expectObject(raw, path);
    const role = optionalString(content.role, `${path}.role`) ?? "user";
    if (role !== "user" && role !== "model" && role !== "function") {
      throw invalidRequest(`${path}.role: expected 'user' or 'model', got '${role}'`, `${path}.role`);
    }
    const rawParts = expectArray(content.parts, `${path}.parts`);
    if (rawParts.length === 0) throw invalidRequest(`${path}.parts: must not be empty`, `${path}.parts`);
    if (role === "model") {
      if (previousRole !== "model") calls.newModelTurn();
      const parts: Part[] = [];
      rawParts.forEach((rawPart, p) => {
        const decoded = decodePart(rawPart, `${path}.parts[${p}]`);
        if (decoded.kind === "result") throw invalidRequest(`${path}.parts[${p}]: functionResponse belongs in a user turn`, `${path}.parts[${p}]`);
        if (decoded.kind === "call") {
          // Carried reasoning opened the turn it came from (thinking comes first in Anthropic's turns).
          const missing = (decoded.carried ?? []).filter((carried) => !parts.some((part) => sameSignature(part, carried)));
          parts.unshift(...missing.map(carriedToReasoning));
          calls.call(decoded.part, decoded.id, `${c}_${p}`);
        }
        if (!isEmptyText(decoded.part)) appendModelPart(parts, decoded.part);
      });
      if (parts.length > 0) messages.push({ role: "assistant", parts });
    } else {
      let userParts: Part[] = [];
      const flush = () => {
        if (userParts.length > 0) messages.push({ role: "user", parts: userParts });
        userParts = [];
      };
      rawParts.forEach((rawPart, p) => {
        const decoded = decodePart(rawPart, `${path}.parts[${p}]`);
        if (decoded.kind === "call") throw invalidRequest(`${path}.parts[${p}]: functionCall belongs in a model turn`, `${path}.parts[${p}]`);
        if (decoded.kind === "content") {
          if (!isEmptyText(decoded.part)) userParts.push(decoded.part);
          return;
        }
        flush();
        decoded.part.callId = calls.result(decoded.name, decoded.id, `${c}_${p}`);
        messages.push({ role: "tool", parts: [decoded.part] });
      });
      flush();
    }
    previousRole = role === "model" ? "model" : "user";
  });
  return messages;
}
