import type { BackendConfig } from "../../core/backend-kind.ts";
import type { BackendInstance } from "../../core/codec.ts";
import { type ModelFamily, servesFamily } from "./model-families.ts";

/** The part of a `BackendInstance` that comes from its config entry, the same for every provider. */
export type BackendIdentity = Pick<BackendInstance, "id" | "kind" | "defaultModel" | "prefix" | "servesModel" | "models">;

/** What a kind (or a preset or flavour of one) brings to its instances' identity. */
export interface IdentityDefaults {
  kind: string;
  /** Used when the entry names no `default_model`. */
  defaultModel?: string;
  /** Bare model names of this family auto-route to the backend when nothing else matches. */
  family?: ModelFamily;
}

/** Id, kind, default model, selector prefix (`backend_prefix`), auto-routed family, and the listed models (`models`, else the default one). */
export function backendIdentity(config: BackendConfig, defaults: IdentityDefaults): BackendIdentity {
  const defaultModel = config.default_model ?? defaults.defaultModel ?? "";
  const models = config.models ?? (defaultModel ? [defaultModel] : []);
  return {
    id: config.id,
    kind: defaults.kind,
    defaultModel,
    ...(typeof config.backend_prefix === "string" && { prefix: config.backend_prefix }),
    ...(defaults.family && { servesModel: servesFamily(defaults.family) }),
    models: () => models.map((id) => ({ id, backendId: config.id })),
  };
}
