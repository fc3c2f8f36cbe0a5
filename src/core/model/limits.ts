import { LipError } from "./errors.ts";

/** Validation limits on every decoded request; frontends apply them before building the call. */
export interface RequestLimits {
  maxBodyBytes: number;
  maxMessages: number;
  maxPartsPerMessage: number;
  maxTools: number;
  maxTextBytes: number;
  maxJsonDepth: number;
}

export const defaultLimits: RequestLimits = {
  maxBodyBytes: 8 * 1024 * 1024,
  maxMessages: 4096,
  maxPartsPerMessage: 2048,
  maxTools: 2048,
  maxTextBytes: 8 * 1024 * 1024,
  maxJsonDepth: 64,
};

function tooMany(what: string, count: number, limit: number, param: string): LipError {
  return new LipError("invalid_request", `too many ${what}: ${count} (limit ${limit})`, { param, code: "limit_exceeded" });
}

export function checkCount(what: string, count: number, limit: number, param: string): void {
  if (count > limit) throw tooMany(what, count, limit, param);
}

/** Byte length without encoding: UTF-16 length is a lower bound, ×3 an upper bound. */
export function checkTextSize(text: string, limits: RequestLimits, param: string): void {
  if (text.length * 3 <= limits.maxTextBytes) return;
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > limits.maxTextBytes) {
    throw new LipError("invalid_request", `text too large: ${bytes} bytes (limit ${limits.maxTextBytes})`, { param, code: "limit_exceeded" });
  }
}

/** JSON nesting depth, iteratively (a deep body must not overflow our stack). */
export function checkJsonDepth(value: unknown, maxDepth: number): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== "object") continue;
    if (depth > maxDepth) {
      throw new LipError("invalid_request", `JSON nesting too deep (limit ${maxDepth})`, { code: "limit_exceeded" });
    }
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
  }
}

/** Apply the count and size limits to a decoded call. */
export function checkCallLimits(
  call: { messages: ReadonlyArray<{ parts: ReadonlyArray<{ type: string; text?: string }> }>; tools: readonly unknown[] },
  limits: RequestLimits,
): void {
  checkCount("messages", call.messages.length, limits.maxMessages, "messages");
  checkCount("tools", call.tools.length, limits.maxTools, "tools");
  call.messages.forEach((message, i) => {
    checkCount("parts in one message", message.parts.length, limits.maxPartsPerMessage, `messages[${i}]`);
    for (const part of message.parts) if (typeof part.text === "string") checkTextSize(part.text, limits, `messages[${i}]`);
  });
}
