import type { BackendInstance } from "../codec.ts";
import type { Candidate } from "../executor.ts";
import { LipError } from "../model/errors.ts";
import { backendNames, type ModelRoute, ModelTable } from "./model-table.ts";

export interface ModelAlias {
  pattern: string;
  replacement: string;
}

export interface RouterOptions {
  /** Enabled backends in config order. */
  backends: readonly BackendInstance[];
  defaultRoute?: string;
  aliases: readonly ModelAlias[];
  /** The `models:` table (bare model name → backend + provider model id). */
  models?: readonly ModelRoute[];
}

export function invalidSelector(message: string): LipError {
  return new LipError("invalid_request", `invalid route selector: ${message}`, { code: "invalid_route_selector" });
}

/**
 * Where a request goes. Selector sources, first hit wins: the `X-LIP-Route` header, the body
 * model when its text before the first `:` names an enabled backend (id or `backend_prefix`),
 * a model alias, the `models:` table or a backend serving the bare name, `routing.default_route`,
 * then the first enabled backend (with its default model, or the client's model when it has none).
 */
export class Router {
  private readonly byId: Map<string, BackendInstance>;
  private readonly aliases: Array<{ regex: RegExp; replacement: string }>;
  readonly models: ModelTable;

  constructor(private readonly options: RouterOptions) {
    this.byId = backendNames(options.backends);
    this.models = new ModelTable(options.models ?? [], options.backends);
    this.aliases = options.aliases.map((alias) => ({ regex: new RegExp(alias.pattern), replacement: alias.replacement }));
  }

  get backends(): readonly BackendInstance[] {
    return this.options.backends;
  }

  backend(id: string): BackendInstance | undefined {
    return this.byId.get(id);
  }

  /** The selector text for a request, before aliases. */
  selectorFor(model: string, headers: Headers, hint?: string): string {
    const header = headers.get("x-lip-route")?.trim();
    if (header) return header;
    if (hint) return hint;
    const colon = model.indexOf(":");
    if (colon > 0 && this.byId.has(model.slice(0, colon))) return model;
    const aliased = this.applyAliases(model);
    if (aliased !== model) return aliased;
    const mapped = this.models.selectorFor(model);
    if (mapped) return mapped;
    if (this.options.defaultRoute) return this.options.defaultRoute;
    const first = this.options.backends[0];
    if (!first) throw new LipError("not_found", "no enabled backend", { code: "no_route" });
    return `${first.id}:${first.defaultModel || model}`;
  }

  applyAliases(selector: string): string {
    for (const alias of this.aliases) {
      if (alias.regex.test(selector)) return selector.replace(alias.regex, alias.replacement);
    }
    return selector;
  }

  /** Compile a selector to ordered candidates: `a:m1|b:m2` fails over left to right. */
  plan(selector: string, clientModel: string): Candidate[] {
    const text = this.applyAliases(selector.trim());
    if (text === "") throw invalidSelector("empty selector");
    return text.split("|").map((arm, position) => {
      const leaf = arm.trim();
      if (leaf === "") throw invalidSelector(`empty arm at position ${position}`);
      const colon = leaf.indexOf(":");
      if (colon < 0) {
        const fallback = this.options.backends[0];
        if (!fallback) throw new LipError("not_found", "no enabled backend", { code: "no_route" });
        return { backend: fallback, model: leaf };
      }
      const id = leaf.slice(0, colon);
      const model = leaf.slice(colon + 1) || clientModel;
      const backend = this.byId.get(id);
      if (!backend) throw new LipError("not_found", `unknown or disabled backend '${id}' in route selector`, { code: "model_not_found" });
      return { backend, model: model || backend.defaultModel };
    });
  }
}
