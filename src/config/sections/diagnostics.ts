import Type from "typebox";

const path = (value: string, description: string) => Type.String({ pattern: "^/[^\\s?#]*$", default: value, description, expected: "an absolute URL path like /diagnostics/x" });

export const DiagnosticsSection = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: "Serve the diagnostics endpoints." }),
    shared_secret: Type.Optional(
      Type.String({
        minLength: 16,
        description: "Secret clients send as `X-LIP-Diagnostics-Secret` for attempts and route trace (compared in constant time). Without it those endpoints answer loopback clients only.",
      }),
    ),
    health_path: path("/diagnostics/health", "Backend health and circuit states; needs no secret."),
    attempts_path: path("/diagnostics/attempts", "Attempt records of an A-leg: `GET <path>/<a_leg_id>` or `<path>?a_leg_id=`."),
    route_trace_path: path("/diagnostics/route-trace", "The last 64 routing decisions."),
  },
  { additionalProperties: false, default: {}, description: "Diagnostics endpoints for operators." },
);
