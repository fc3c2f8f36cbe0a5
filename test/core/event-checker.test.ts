import { describe, expect, test } from "bun:test";
import { checkEvents, createEventChecker, EventOrderError } from "../../src/core/model/event-checker.ts";
import type { CanonicalEvent } from "../../src/core/model/events.ts";

const start: CanonicalEvent[] = [
  { type: "response_started", id: "r1", model: "m", created: 1 },
  { type: "message_started", role: "assistant" },
];
const finish: CanonicalEvent = { type: "response_finished", finishReason: "stop" };

describe("event checker", () => {
  test("accepts reasoning, text and two tool calls in order", () => {
    const events: CanonicalEvent[] = [
      ...start,
      { type: "reasoning_delta", index: 0, text: "think" },
      { type: "reasoning_signature_delta", index: 0, signature: { dialect: "anthropic", value: "sig" } },
      { type: "text_delta", index: 1, text: "Hello" },
      { type: "tool_call_started", index: 2, id: "a", name: "f" },
      { type: "tool_call_args_delta", index: 2, delta: "{}" },
      { type: "tool_call_finished", index: 2, arguments: "{}" },
      { type: "tool_call_started", index: 3, id: "b", name: "g" },
      { type: "tool_call_finished", index: 3, arguments: "{}" },
      { type: "usage", usage: { inputTokens: 1, outputTokens: 2 } },
      { type: "response_finished", finishReason: "tool_calls" },
    ];
    expect(checkEvents(events)).toHaveLength(events.length);
  });

  const rejected: Array<[string, CanonicalEvent[], RegExp]> = [
    ["content before response_started", [{ type: "text_delta", index: 0, text: "x" }], /before response_started/],
    ["content before message_started", [start[0]!, { type: "text_delta", index: 0, text: "x" }], /before message_started/],
    ["response_started twice", [start[0]!, start[0]!], /twice/],
    ["skipped block index", [...start, { type: "text_delta", index: 1, text: "x" }], /out of order/],
    [
      "returning to a closed block",
      [...start, { type: "text_delta", index: 0, text: "x" }, { type: "reasoning_delta", index: 1, text: "y" }, { type: "text_delta", index: 0, text: "z" }],
      /out of order/,
    ],
    ["block changing kind", [...start, { type: "text_delta", index: 0, text: "x" }, { type: "reasoning_delta", index: 0, text: "y" }], /changed kind/],
    ["tool args without start", [...start, { type: "tool_call_args_delta", index: 0, delta: "{" }], /not started/],
    [
      "leaving an unfinished tool",
      [...start, { type: "tool_call_started", index: 0, id: "a", name: "f" }, { type: "text_delta", index: 1, text: "x" }],
      /before tool_call_finished/,
    ],
    ["finishing with an open tool", [...start, { type: "tool_call_started", index: 0, id: "a", name: "f" }, finish], /unfinished/],
    ["events after the end", [...start, finish, { type: "usage", usage: {} }], /after the terminal/],
  ];
  for (const [name, events, message] of rejected) {
    test(`rejects ${name}`, () => {
      expect(() => checkEvents(events)).toThrow(message);
    });
  }

  test("a stream without a terminal event is truncated", () => {
    const checker = createEventChecker();
    for (const event of [...start, { type: "text_delta", index: 0, text: "x" } as CanonicalEvent]) checker.check(event);
    expect(() => checker.finish()).toThrow(EventOrderError);
  });

  test("the first content event commits, empty text does not", () => {
    const checker = createEventChecker();
    for (const event of start) checker.check(event);
    checker.check({ type: "usage", usage: {} });
    checker.check({ type: "text_delta", index: 0, text: "" });
    expect(checker.committed).toBe(false);
    checker.check({ type: "text_delta", index: 0, text: "hi" });
    expect(checker.committed).toBe(true);
  });

  test("an error event is a valid terminal after output", () => {
    const events: CanonicalEvent[] = [
      ...start,
      { type: "text_delta", index: 0, text: "partial" },
      { type: "error", error: { kind: "upstream", status: 502, message: "cut", recoverable: false } },
    ];
    expect(checkEvents(events)).toHaveLength(4);
  });
});
