import { describe, expect, test } from "bun:test";
import { LipError } from "../../src/core/model/errors.ts";
import { checkCallLimits, checkJsonDepth, defaultLimits } from "../../src/core/model/limits.ts";

function nested(depth: number): unknown {
  let value: unknown = "leaf";
  for (let i = 0; i < depth; i++) value = { child: value };
  return value;
}

describe("request limits", () => {
  test("JSON depth 64 passes, 65 is a 400 naming the limit", () => {
    expect(() => checkJsonDepth(nested(64), 64)).not.toThrow();
    try {
      checkJsonDepth(nested(65), 64);
      throw new Error("expected a limit error");
    } catch (thrown) {
      expect(thrown).toBeInstanceOf(LipError);
      expect((thrown as LipError).error.status).toBe(400);
      expect((thrown as LipError).error.message).toContain("limit 64");
    }
  });

  test("a very deep body does not overflow the stack", () => {
    expect(() => checkJsonDepth(nested(100_000), 64)).toThrow(/too deep/);
  });

  test("message, part, tool and text limits name what is too large", () => {
    const message = { parts: [{ type: "text", text: "x" }] };
    expect(() => checkCallLimits({ messages: Array(4097).fill(message), tools: [] }, defaultLimits)).toThrow(/too many messages: 4097/);
    expect(() => checkCallLimits({ messages: [{ parts: Array(2049).fill({ type: "text", text: "" }) }], tools: [] }, defaultLimits)).toThrow(/parts in one message/);
    expect(() => checkCallLimits({ messages: [message], tools: Array(2049).fill({}) }, defaultLimits)).toThrow(/too many tools/);
    const big = "é".repeat(4 * 1024 * 1024 + 1);
    expect(() => checkCallLimits({ messages: [{ parts: [{ type: "text", text: big }] }], tools: [] }, defaultLimits)).toThrow(/text too large/);
    expect(() => checkCallLimits({ messages: Array(4096).fill(message), tools: Array(2048).fill({}) }, defaultLimits)).not.toThrow();
  });
});
