import type { ClientResult } from "../frontend-drivers.ts";

/** The two tools every tool scenario offers, as JSON Schema. */
export const matrixTools = [
  { name: "get_weather", description: "Current weather in a city.", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
  { name: "get_time", description: "Current time in a zone.", parameters: { type: "object", properties: { zone: { type: "string" } }, required: ["zone"] } },
];

/** Arguments as an object whatever the dialect's wire form (JSON text or object). */
export function parsedArguments(value: unknown): unknown {
  if (typeof value !== "string") return value ?? {};
  try {
    return JSON.parse(value || "{}");
  } catch {
    return value;
  }
}

export function emptyResult(): ClientResult {
  return { text: "", toolCalls: [], reasoning: { text: "" } };
}
