import Type, { type TObject, type TSchema } from "typebox";
import type { BackendConfig, BackendKind } from "../core/backend-kind.ts";
import type { FeatureDefinition } from "../core/pipeline/feature-definition.ts";
import { BackendCommon, backendsArraySchema } from "./sections/backends.ts";
import { ContinuitySection } from "./sections/continuity.ts";
import { DiagnosticsSection } from "./sections/diagnostics.ts";
import { FeaturesBase, featuresSchemaFor } from "./sections/features.ts";
import { HttpClientSection, ModelsSection } from "./sections/http-client.ts";
import { LoggingSection } from "./sections/logging.ts";
import { ModelAliasesSection, RoutingSection } from "./sections/routing.ts";
import { ServerSection } from "./sections/server.ts";

/**
 * The config schema: the single description of every key, its default and its loaded form.
 * Keys with a `default` are required in the loaded config (defaults are applied before
 * validation), so `LipConfig` has no optional field that always has a value.
 */

/** What the loader needs from the registration table (tests pass fakes). */
export interface ConfigRegistry {
  backendKinds: readonly BackendKind[];
  features: readonly FeatureDefinition[];
}

const sections = {
  server: ServerSection,
  backends: Type.Array(BackendCommon, { default: [] }),
  routing: RoutingSection,
  model_aliases: ModelAliasesSection,
  models: ModelsSection,
  http_client: HttpClientSection,
  continuity: ContinuitySection,
  diagnostics: DiagnosticsSection,
  logging: LoggingSection,
  features: FeaturesBase,
};

/** Registry-independent schema; backends and features are typed generically. */
export const ConfigSchema = Type.Object(sections, { additionalProperties: false });

type DecodedConfig = Type.StaticDecode<typeof ConfigSchema>;

/**
 * The loaded config. Durations are milliseconds (`server.stream_keepalive_interval`), sizes
 * are bytes; backend entries carry their kind's own keys beside the common ones.
 */
export type LipConfig = Omit<DecodedConfig, "backends" | "features"> & {
  backends: BackendConfig[];
  features: Record<string, Record<string, unknown>>;
};

// The schema's common backend keys must stay assignable to the core's BackendConfig.
const _backendShapeMatches = (entry: DecodedConfig["backends"][number]): BackendConfig => entry;
void _backendShapeMatches;

/** Everything but the backend entries, with `features` specialised to the registry. */
export function rootSchemaFor(registry: ConfigRegistry, backends: TSchema): TObject {
  return Type.Object(
    { ...sections, backends, features: featuresSchemaFor(registry.features) },
    { additionalProperties: false },
  );
}

/** The full schema for this registry: backends as one `anyOf` branch per kind. */
export function buildConfigSchema(registry: ConfigRegistry): TObject {
  return rootSchemaFor(registry, backendsArraySchema(registry.backendKinds));
}
