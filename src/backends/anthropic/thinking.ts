import type { CallOptions, ReasoningEffort } from "../../core/model/call.ts";
import type { Warning } from "./messages.ts";

/** What a model accepts, by model id (configurable: new models appear faster than releases). */
export interface ThinkingModels {
  /** Models that take `output_config.effort`. */
  effort: RegExp;
  /** Models that take `thinking: {type: "adaptive"}`. */
  adaptive: RegExp;
}

export interface ThinkingPlan {
  thinking?: Record<string, unknown>;
  effort?: string;
  maxTokens: number;
  /** Thinking (enabled or adaptive) is on for this request. */
  on: boolean;
}

export const minimumBudget = 1024;

/** Budgets for models without `effort`: a client's effort still buys proportionate thinking. */
const budgetForEffort: Record<Exclude<ReasoningEffort, "none">, number> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
  max: 32768,
};

function wireEffort(effort: ReasoningEffort): string {
  // Anthropic's scale starts at low; "minimal" is the nearest it has.
  return effort === "minimal" ? "low" : effort;
}

/**
 * Canonical reasoning options → `thinking`, `output_config.effort` and `max_tokens`.
 * Policy: `max_tokens` is the client's, else `defaultMaxTokens`; when the client gave none and
 * the thinking budget needs room, max_tokens = budget + defaultMaxTokens. A budget the API would
 * reject (< 1024, or ≥ the client's max_tokens) is adjusted with a warning, never silently.
 */
export function planThinking(
  options: CallOptions,
  model: string,
  settings: { models: ThinkingModels; defaultMaxTokens: number },
  sameDialect: boolean,
  warnings: Warning[],
): ThinkingPlan {
  const { models, defaultMaxTokens } = settings;
  const reasoning = options.reasoning;
  let maxTokens = options.maxOutputTokens ?? defaultMaxTokens;
  if (!reasoning) return { maxTokens, on: false };
  if (reasoning.enabled === false || reasoning.effort === "none") return { thinking: { type: "disabled" }, maxTokens, on: false };
  // An Anthropic client chose effort for this model itself; others get it where the model takes it.
  const effort = reasoning.effort && (sameDialect || models.effort.test(model)) ? wireEffort(reasoning.effort) : undefined;
  const display = reasoning.includeThoughts === undefined ? {} : { display: reasoning.includeThoughts ? "summarized" : "omitted" };
  const withEffort = effort === undefined ? {} : { effort };
  // For Anthropic, effort alone does not switch thinking on; other dialects' effort means "reason".
  const effortWantsThinking = reasoning.effort !== undefined && !sameDialect;
  const wanted = reasoning.adaptive === true || reasoning.enabled === true || reasoning.budgetTokens !== undefined || effortWantsThinking;
  if (!wanted) return { ...withEffort, maxTokens, on: false };
  if (reasoning.adaptive === true || (reasoning.budgetTokens === undefined && models.adaptive.test(model))) {
    return { thinking: { type: "adaptive", ...display }, ...withEffort, maxTokens, on: true };
  }
  let budget = reasoning.budgetTokens ?? budgetForEffort[reasoning.effort ?? "medium"];
  if (budget < minimumBudget) {
    warnings.push({ code: "thinking_budget_raised", message: `Anthropic's minimum thinking budget is ${minimumBudget} tokens; ${budget} was raised to it` });
    budget = minimumBudget;
  }
  if (options.maxOutputTokens === undefined && budget >= maxTokens) maxTokens = budget + defaultMaxTokens;
  if (budget >= maxTokens) {
    if (maxTokens - 1 < minimumBudget) {
      warnings.push({ code: "thinking_disabled", message: `max_tokens ${maxTokens} leaves no room for Anthropic's minimum thinking budget (${minimumBudget}); thinking was turned off` });
      return { ...withEffort, maxTokens, on: false };
    }
    warnings.push({ code: "thinking_budget_clamped", message: `thinking budget ${budget} must be below max_tokens ${maxTokens}; it was lowered to ${maxTokens - 1}` });
    budget = maxTokens - 1;
  }
  return { thinking: { type: "enabled", budget_tokens: budget, ...display }, ...withEffort, maxTokens, on: true };
}
