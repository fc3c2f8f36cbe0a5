import { type CanonicalCall, isReasoningEffort, reasoningEfforts } from "../model/call.ts";
import type { RouteParams } from "./selector-ast.ts";
import { invalidSelector } from "./selector-error.ts";

const verbosities = new Set(["low", "medium", "high"]);

function decode(text: string, position: number): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    throw invalidSelector(`bad percent-encoding in route params '${text}'`, position);
  }
}

function number(name: string, value: string, position: number, min: number, max: number): number {
  const parsed = value.trim() === "" ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) throw invalidSelector(`route param '${name}' must be a number from ${min} to ${max}, got '${value}'`, position);
  return parsed;
}

/**
 * `?temperature=0.2&max_tokens=512` → RouteParams. Unknown or repeated keys are errors rather
 * than silently ignored, so a typo in a route never goes unnoticed.
 */
export function parseRouteParams(query: string, position: number): RouteParams {
  const params: RouteParams = {};
  if (query === "") throw invalidSelector("empty route params after '?'", position);
  const seen = new Set<string>();
  let offset = position;
  for (const pair of query.split("&")) {
    const equals = pair.indexOf("=");
    const name = decode(equals < 0 ? pair : pair.slice(0, equals), offset);
    const value = equals < 0 ? "" : decode(pair.slice(equals + 1), offset);
    if (name === "") throw invalidSelector("empty route param name", offset);
    const canonicalName = name === "max_tokens" ? "max_output_tokens" : name;
    if (seen.has(canonicalName)) throw invalidSelector(`duplicate route param '${name}'`, offset);
    seen.add(canonicalName);
    switch (canonicalName) {
      case "temperature":
        params.temperature = number(name, value, offset, 0, 2);
        break;
      case "top_p":
        params.topP = number(name, value, offset, 0, 1);
        break;
      case "max_output_tokens": {
        const tokens = number(name, value, offset, 1, 10_000_000);
        if (!Number.isInteger(tokens)) throw invalidSelector(`route param '${name}' must be a whole number, got '${value}'`, offset);
        params.maxOutputTokens = tokens;
        break;
      }
      case "reasoning_effort":
        if (!isReasoningEffort(value)) throw invalidSelector(`route param 'reasoning_effort' must be one of ${reasoningEfforts.join(", ")}, got '${value}'`, offset);
        params.reasoningEffort = value;
        break;
      case "verbosity":
        if (!verbosities.has(value)) throw invalidSelector(`route param 'verbosity' must be low, medium or high, got '${value}'`, offset);
        params.verbosity = value as RouteParams["verbosity"];
        break;
      case "parallel_tool_calls":
        if (value !== "true" && value !== "false") throw invalidSelector(`route param 'parallel_tool_calls' must be true or false, got '${value}'`, offset);
        params.parallelToolCalls = value === "true";
        break;
      default:
        throw invalidSelector(
          `unknown route param '${name}' (known: temperature, top_p, max_output_tokens, max_tokens, reasoning_effort, verbosity, parallel_tool_calls)`,
          offset,
        );
    }
    offset += pair.length + 1;
  }
  return params;
}

export function hasRouteParams(params: RouteParams): boolean {
  return Object.keys(params).length > 0;
}

/** The call a leaf sends: route params win over the body's options. The input is not changed. */
export function applyRouteParams(call: CanonicalCall, params: RouteParams): CanonicalCall {
  if (!hasRouteParams(params)) return call;
  const options = { ...call.options };
  if (params.temperature !== undefined) options.temperature = params.temperature;
  if (params.topP !== undefined) options.topP = params.topP;
  if (params.maxOutputTokens !== undefined) options.maxOutputTokens = params.maxOutputTokens;
  if (params.reasoningEffort !== undefined) options.reasoning = { ...options.reasoning, effort: params.reasoningEffort };
  if (params.verbosity !== undefined) options.verbosity = params.verbosity;
  if (params.parallelToolCalls !== undefined) options.parallelToolCalls = params.parallelToolCalls;
  return { ...call, options };
}
