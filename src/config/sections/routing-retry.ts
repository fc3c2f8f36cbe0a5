import Type from "typebox";
import { Duration } from "../units.ts";

export const RoutingRetry = Type.Object(
  {
    max_retries: Type.Integer({
      minimum: 0,
      maximum: 10,
      default: 0,
      description: "Extra tries on the same candidate after a transient failure before output (0 = fail over at once). Each try counts against max_attempts.",
    }),
    initial_backoff: Duration({ default: "250ms", description: "Ceiling of the first jittered backoff; it doubles per retry." }),
    max_backoff: Duration({ default: "5s", description: "Longest wait before a retry; an upstream Retry-After above it means fail over instead." }),
  },
  { additionalProperties: false, default: {}, description: "Same-candidate retries for transient pre-output errors (jittered exponential backoff, Retry-After honoured)." },
);
