import Type, { type TObject, type TSchema } from "typebox";
import type { BackendKind } from "../../core/backend-kind.ts";

export const backendIdPattern = "^[A-Za-z0-9_.-]+$";

const nonEmpty = (description: string) => Type.String({ minLength: 1, description });

/** Keys every backend entry may have, whatever its kind. */
export const backendCommonProperties = {
  id: Type.String({
    pattern: backendIdPattern,
    description: "Unique name; route selectors use it as the part before `:`.",
    expected: "an id of letters, digits, `_`, `.` or `-`",
  }),
  kind: Type.String({ description: "Backend kind (see `lipstd inventory`)." }),
  enabled: Type.Boolean({ default: true, description: "Disabled backends are validated but never routed to." }),
  base_url: Type.Optional(nonEmpty("Provider API base URL; each kind has its own default.")),
  api_key: Type.Optional(nonEmpty("One API key. Prefer `${ENV_VAR}` or the env key pool over a literal.")),
  api_keys: Type.Optional(Type.Array(nonEmpty("An API key."), { description: "Several keys used as a pool (with `api_key`, YAML keys win over env keys)." })),
  api_key_env_var_root: Type.Optional(
    Type.String({
      pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
      description: "Env var root of the key pool: NAME, NAME_2 … NAME_32 (stops at the first missing). Each kind has a default.",
      expected: "an environment variable name",
    }),
  ),
  default_model: Type.Optional(nonEmpty("Model used when a route names this backend without a model.")),
  models: Type.Optional(Type.Array(nonEmpty("A model id."), { description: "Models listed by /v1/models for this backend." })),
};

/** The kind-independent shape (used for the static type and when an entry's kind is unknown). */
export const BackendCommon = Type.Object(backendCommonProperties, { additionalProperties: false });

/** One kind's full entry schema: common keys plus the kind's own options; nothing else. */
export function backendSchemaFor(kind: BackendKind): TObject {
  // Common keys first (editors list them first) and they win over a kind redeclaring one.
  const own: Record<string, TSchema> = {};
  for (const [key, schema] of Object.entries(kind.options?.properties ?? {})) if (!(key in backendCommonProperties)) own[key] = schema;
  return Type.Object(
    { ...backendCommonProperties, kind: Type.Literal(kind.kind, { description: kind.description }), ...own },
    { additionalProperties: false, title: kind.kind, description: kind.description },
  );
}

/** The `backends` array for JSON Schema output: one `anyOf` branch per registered kind. */
export function backendsArraySchema(kinds: readonly BackendKind[]): TSchema {
  const item = kinds.length > 0 ? Type.Union(kinds.map(backendSchemaFor)) : BackendCommon;
  return Type.Array(item, { default: [], description: "Provider backends, tried by route selectors. At least one must be enabled." });
}
