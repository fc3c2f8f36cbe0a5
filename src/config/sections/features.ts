import Type, { type TObject, type TSchema } from "typebox";
import type { FeatureDefinition } from "../../core/pipeline/feature-definition.ts";

/** Registry-independent shape: feature name → its settings. */
const description = "Per-feature settings, keyed by feature name (see `lipstd inventory`).";

export const FeaturesBase = Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()), { default: {}, description });

/** A feature's settings are strict unless its author explicitly allowed extra keys. */
function featureSchema(feature: FeatureDefinition): TSchema {
  const options: TObject & { additionalProperties?: boolean | TSchema; description?: string } = feature.options;
  return Type.Object(options.properties, {
    additionalProperties: options.additionalProperties ?? false,
    description: options.description ?? feature.description,
  });
}

/** `features:` as the registry knows it: one optional key per feature, no others. */
export function featuresSchemaFor(features: readonly FeatureDefinition[]): TObject {
  const known = features.map((feature) => feature.name);
  const properties: Record<string, TSchema> = {};
  for (const feature of features) {
    properties[feature.name] = Type.Optional(featureSchema(feature));
  }
  return Type.Object(properties, {
    additionalProperties: false,
    default: {},
    description,
    unknownKey: known.length > 0 ? `unknown feature (known: ${known.join(", ")})` : "unknown feature (none are registered)",
  });
}
