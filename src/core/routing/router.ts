import type { BackendInstance } from "../codec.ts";
import { LipError } from "../model/errors.ts";
import { type ModelAlias, ModelAliases } from "./aliases.ts";
import { backendNames, type ModelRoute, ModelTable } from "./model-table.ts";
import { compilePlan, type Candidate, planCandidates, type RoutePlan, type SelectorSource } from "./route-plan.ts";
import { parseSelector } from "./selector-parser.ts";

export type { ModelAlias } from "./aliases.ts";

export interface RouterOptions {
  /** Enabled backends in config order. */
  backends: readonly BackendInstance[];
  defaultRoute?: string;
  aliases: readonly ModelAlias[];
  /** The `models:` table (bare model name → backend + provider model id). */
  models?: readonly ModelRoute[];
}

export interface SelectorChoice {
  text: string;
  source: SelectorSource;
}

const planCacheSize = 512;

/** Leading `{...}` and `[...]` blocks, so `[weight=2]openai:gpt-4o^…` is seen as naming `openai`. */
const decorations = /^\s*(\{[^}]*\})?\s*(\[[^\]]*\]\s*)*/;

/**
 * Where a request goes. Selector sources, first hit wins: the `X-LIP-Route` header, a
 * route_hinting feature's hint, the body model when the text before its first `:` names an
 * enabled backend (id or `backend_prefix`) or a model alias matches it, the `models:` table or
 * a backend serving the bare name, `routing.default_route`, then the first enabled backend with
 * its default model. Aliases apply to the whole selector before parsing.
 */
export class Router {
  private readonly byId: Map<string, BackendInstance>;
  private readonly aliases: ModelAliases;
  private readonly plans = new Map<string, RoutePlan>();
  readonly models: ModelTable;

  constructor(private readonly options: RouterOptions) {
    this.byId = backendNames(options.backends);
    this.models = new ModelTable(options.models ?? [], options.backends);
    this.aliases = new ModelAliases(options.aliases);
  }

  get backends(): readonly BackendInstance[] {
    return this.options.backends;
  }

  backend(id: string): BackendInstance | undefined {
    return this.byId.get(id);
  }

  private namesBackend(text: string): boolean {
    const rest = text.replace(decorations, "");
    const colon = rest.indexOf(":");
    return colon > 0 && this.byId.has(rest.slice(0, colon).trim());
  }

  /** The route used when a request names none: `routing.default_route`, else the first enabled backend. */
  effectiveDefaultRoute(clientModel = ""): SelectorChoice {
    if (this.options.defaultRoute) return { text: this.options.defaultRoute, source: "default_route" };
    const first = this.options.backends[0];
    if (!first) throw new LipError("not_found", "no enabled backend", { code: "no_route" });
    const model = first.defaultModel || clientModel;
    if (!model) throw new LipError("invalid_request", `backend '${first.id}' has no default model and the request names none`, { code: "no_route", param: "model" });
    return { text: `${first.id}:${model}`, source: "first_backend" };
  }

  /** The selector text for a request, before aliases. */
  selectorFor(model: string, headers: Headers, hint?: string): SelectorChoice {
    const header = headers.get("x-lip-route")?.trim();
    if (header) return { text: header, source: "header" };
    if (hint) return { text: hint, source: "route_hint" };
    if (this.namesBackend(model)) return { text: model, source: "model" };
    if (model && this.aliases.apply(model) !== model) return { text: model, source: "alias" };
    const mapped = this.models.selectorFor(model);
    if (mapped) return { text: mapped, source: "models" };
    return this.effectiveDefaultRoute(model);
  }

  /** Aliases → parse → resolve backends. Cached by text: the same route compiles once. */
  plan(choice: SelectorChoice): RoutePlan {
    const cacheKey = `${choice.source}\u0000${choice.text}`;
    const cached = this.plans.get(cacheKey);
    if (cached) return cached;
    const text = this.aliases.apply(choice.text.trim());
    const plan = compilePlan(parseSelector(text), choice.source, {
      backend: (id) => this.byId.get(id),
      defaultBackend: () => this.options.backends[0],
    });
    if (this.plans.size >= planCacheSize) this.plans.delete(this.plans.keys().next().value!);
    this.plans.set(cacheKey, plan);
    return plan;
  }

  /** The first candidate a request would try (for token counting). */
  firstCandidate(model: string, headers: Headers): Candidate | undefined {
    return planCandidates(this.plan(this.selectorFor(model, headers)))[0];
  }

  /** Validate a selector at startup (default route, aliases' outputs are checked per request). */
  check(text: string): RoutePlan {
    return this.plan({ text, source: "default_route" });
  }
}
