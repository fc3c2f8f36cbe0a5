import type { BackendInstance } from "../codec.ts";

/** One `models:` entry: a model name clients use → the backend and provider model that serve it. */
export interface ModelRoute {
  name: string;
  /** Backend id. */
  backend: string;
  providerModelId: string;
}

/**
 * Bare model names (no backend prefix) → a selector: the `models:` table first, then the first
 * enabled backend that declares it serves the name (`servesModel`, e.g. `gpt-*` for OpenAI
 * kinds). Entries naming a disabled backend are not routable and not listed.
 */
export class ModelTable {
  private readonly routes = new Map<string, { backend: BackendInstance; providerModelId: string }>();

  constructor(
    entries: readonly ModelRoute[],
    private readonly backends: readonly BackendInstance[],
  ) {
    for (const entry of entries) {
      const backend = backends.find((candidate) => candidate.id === entry.backend);
      if (backend && !this.routes.has(entry.name)) this.routes.set(entry.name, { backend, providerModelId: entry.providerModelId });
    }
  }

  /** The selector for a bare model name, or undefined when neither the table nor a backend claims it. */
  selectorFor(model: string): string | undefined {
    const route = this.routes.get(model);
    if (route) return `${route.backend.id}:${route.providerModelId}`;
    const serving = model ? this.backends.find((backend) => backend.servesModel?.(model)) : undefined;
    return serving ? `${serving.id}:${model}` : undefined;
  }

  /** Table names with the backend that serves them (for model listings). */
  entries(): Array<{ name: string; backendId: string }> {
    return [...this.routes].map(([name, route]) => ({ name, backendId: route.backend.id }));
  }
}

/** Selector names of each backend: its id and, when set, its `backend_prefix`; a clash is a startup error. */
export function backendNames(backends: readonly BackendInstance[]): Map<string, BackendInstance> {
  const names = new Map<string, BackendInstance>();
  for (const backend of backends) {
    for (const name of new Set([backend.id, ...(backend.prefix ? [backend.prefix] : [])])) {
      const holder = names.get(name);
      if (holder && holder !== backend) throw new Error(`backend selector name '${name}' of backend '${backend.id}' clashes with backend '${holder.id}'`);
      names.set(name, backend);
    }
  }
  return names;
}
