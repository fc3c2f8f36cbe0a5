import type { CanonicalEvent } from "./events.ts";
import { isContentEvent } from "./events.ts";

export class EventOrderError extends Error {
  constructor(message: string, readonly position: number) {
    super(`event ${position}: ${message}`);
    this.name = "EventOrderError";
  }
}

type BlockKind = "text" | "reasoning" | "tool";

/**
 * The one authority on event order. Rules:
 * 1. `response_started` first, once; `message_started` next, once, before any content.
 * 2. Content blocks are indexed 0,1,2…: a new index is exactly the previous + 1, and once a
 *    block is left it never receives another event (no interleaving).
 * 3. A block keeps its kind; a tool block is started → args_delta* → finished, once.
 * 4. Exactly one terminal event (`response_finished` or `error`), and it is the last; a
 *    `response_finished` may not leave a tool call unfinished.
 * 5. The first content event commits the attempt (`committed`), the output-commit rule.
 */
export function createEventChecker() {
  let position = 0;
  let started = false;
  let messageStarted = false;
  let ended = false;
  let committed = false;
  let currentIndex = -1;
  let currentKind: BlockKind | undefined;
  let toolOpen = false;
  let toolFinished = false;

  function fail(message: string): never {
    throw new EventOrderError(message, position);
  }

  function enterBlock(index: number, kind: BlockKind, opensTool: boolean): void {
    if (!messageStarted) fail(`${kind} content before message_started`);
    if (index === currentIndex) {
      if (currentKind !== kind) fail(`block ${index} changed kind from ${currentKind} to ${kind}`);
      if (kind === "tool" && (opensTool || toolFinished)) fail(`tool block ${index} already ${opensTool ? "started" : "finished"}`);
      return;
    }
    if (index !== currentIndex + 1) fail(`block index ${index} out of order (expected ${currentIndex} or ${currentIndex + 1})`);
    if (toolOpen && !toolFinished) fail(`tool block ${currentIndex} left before tool_call_finished`);
    if (kind === "tool" && !opensTool) fail(`tool block ${index} not started with tool_call_started`);
    currentIndex = index;
    currentKind = kind;
    toolOpen = kind === "tool";
    toolFinished = false;
  }

  return {
    get committed(): boolean {
      return committed;
    },
    get ended(): boolean {
      return ended;
    },
    check(event: CanonicalEvent): void {
      if (ended) fail(`${event.type} after the terminal event`);
      if (event.type !== "response_started" && !started) fail(`${event.type} before response_started`);
      switch (event.type) {
        case "response_started":
          if (started) fail("response_started twice");
          started = true;
          break;
        case "message_started":
          if (messageStarted) fail("message_started twice");
          messageStarted = true;
          break;
        case "text_delta":
          enterBlock(event.index, "text", false);
          break;
        case "reasoning_delta":
        case "reasoning_signature_delta":
          enterBlock(event.index, "reasoning", false);
          break;
        case "tool_call_started":
          enterBlock(event.index, "tool", true);
          break;
        case "tool_call_args_delta":
          enterBlock(event.index, "tool", false);
          break;
        case "tool_call_finished":
          enterBlock(event.index, "tool", false);
          toolFinished = true;
          break;
        case "usage":
        case "warning":
          break;
        case "error":
          ended = true;
          break;
        case "response_finished":
          if (toolOpen && !toolFinished) fail(`response_finished with tool block ${currentIndex} unfinished`);
          ended = true;
          break;
        default: {
          const exhaustive: never = event;
          fail(`unknown event ${(exhaustive as { type: string }).type}`);
        }
      }
      if (isContentEvent(event)) committed = true;
      position++;
    },
    /** For stream ends: a stream that stops without a terminal event is truncated. */
    finish(): void {
      if (!ended) fail("stream ended without response_finished or error");
    },
  };
}

/** Check a whole recorded stream; returns it for chaining in tests. */
export function checkEvents(events: readonly CanonicalEvent[]): readonly CanonicalEvent[] {
  const checker = createEventChecker();
  for (const event of events) checker.check(event);
  checker.finish();
  return events;
}
