import type { ReasoningEffort, ReasoningOptions } from "../../core/model/call.ts";

/**
 * How a model takes its thinking setting. Gemini 3 and later use `thinkingLevel`; 2.5 only
 * `thinkingBudget` (sending both is a 400). `auto` decides by model name and falls back to
 * budgets, which Gemini 3 also accepts for backward compatibility.
 */
export type ThinkingControl = "auto" | "level" | "budget";

export function usesThinkingLevel(model: string, control: ThinkingControl): boolean {
  if (control !== "auto") return control === "level";
  const major = /^gemini-(\d+)/.exec(model)?.[1];
  return major !== undefined && Number(major) >= 3;
}

type Level = "MINIMAL" | "LOW" | "MEDIUM" | "HIGH";

const levels: Record<ReasoningEffort, Level> = {
  none: "MINIMAL",
  minimal: "MINIMAL",
  low: "LOW",
  medium: "MEDIUM",
  high: "HIGH",
  xhigh: "HIGH",
  max: "HIGH",
};

/** Gemini 3 Pro knows only LOW and HIGH: the other levels round to the nearer one it has. */
function levelFor(effort: ReasoningEffort, model: string): Level {
  const level = levels[effort];
  if (!/^gemini-3-pro/.test(model)) return level;
  return level === "MINIMAL" ? "LOW" : level === "MEDIUM" ? "HIGH" : level;
}

/** 2.5 Pro cannot switch thinking off (its floor is 128); Flash and Flash-Lite can (0). */
function isPro(model: string): boolean {
  return /-pro\b/.test(model);
}

function budgetFor(effort: ReasoningEffort, model: string): number {
  switch (effort) {
    case "none":
      return isPro(model) ? 128 : 0;
    case "minimal":
      return 512;
    case "low":
      return 1024;
    case "medium":
      return 8192;
    case "high":
      return 24576;
    case "xhigh":
    case "max":
      // The largest budget each family accepts.
      return isPro(model) ? 32768 : 24576;
    default: {
      const exhaustive: never = effort;
      return exhaustive;
    }
  }
}

/** `generationConfig.thinkingConfig` for the call's reasoning options, or undefined for the model's default. */
export function thinkingConfig(reasoning: ReasoningOptions | undefined, model: string, control: ThinkingControl): Record<string, unknown> | undefined {
  if (!reasoning) return undefined;
  const config: Record<string, unknown> = {};
  const byLevel = usesThinkingLevel(model, control);
  if (reasoning.budgetTokens !== undefined) config.thinkingBudget = reasoning.budgetTokens;
  else if (reasoning.effort !== undefined) {
    if (byLevel) config.thinkingLevel = levelFor(reasoning.effort, model);
    else config.thinkingBudget = budgetFor(reasoning.effort, model);
  } else if (reasoning.enabled === false) {
    // Gemini 3 cannot stop thinking: its lowest level is the closest honest request.
    if (byLevel) config.thinkingLevel = levelFor("none", model);
    else config.thinkingBudget = budgetFor("none", model);
  } else if (reasoning.adaptive && !byLevel) {
    config.thinkingBudget = -1;
  }
  // Gemini's visible thoughts are summaries: a request for a reasoning summary asks for them.
  const includeThoughts = reasoning.includeThoughts ?? (reasoning.summary !== undefined ? true : undefined);
  if (includeThoughts !== undefined) config.includeThoughts = includeThoughts;
  return Object.keys(config).length > 0 ? config : undefined;
}

/** True when the call asks to switch thinking off on a model that cannot (Gemini 3, 2.5 Pro). */
export function cannotDisableThinking(reasoning: ReasoningOptions | undefined, model: string, control: ThinkingControl): boolean {
  const off = reasoning?.enabled === false || reasoning?.effort === "none";
  return off && reasoning?.budgetTokens === undefined && (usesThinkingLevel(model, control) || isPro(model));
}
