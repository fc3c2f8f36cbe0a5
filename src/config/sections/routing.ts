import Type from "typebox";
import { RoutingHealth } from "./routing-health.ts";
import { RoutingRetry } from "./routing-retry.ts";

/** Route selection. Kept as its own object so the routing work can add keys here. */
export const RoutingSection = Type.Object(
  {
    default_route: Type.Optional(
      Type.String({
        minLength: 1,
        description: "Selector used when a request names no route, e.g. `openai:gpt-4o-mini|anthropic:claude-3-5-haiku` (grammar: docs/routing.md). Default: the first enabled backend with its default model.",
      }),
    ),
    max_attempts: Type.Integer({ minimum: 1, default: 3, description: "Most backend attempts (failovers and retries included; a race counts once) for one request." }),
    retry: RoutingRetry,
    health: RoutingHealth,
  },
  { additionalProperties: false, default: {}, description: "Route selection and failover." },
);

export const ModelAliasesSection = Type.Array(
  Type.Object(
    {
      pattern: Type.String({ description: "JavaScript regular expression matched against the whole selector." }),
      replacement: Type.String({ description: "Replacement; `$1`… expand capture groups." }),
    },
    { additionalProperties: false },
  ),
  { default: [], description: "Selector rewrites; the first matching pattern wins, applied once (no recursion)." },
);
