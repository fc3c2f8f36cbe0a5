import Type from "typebox";

export const logLevels = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof logLevels)[number];

export const LoggingSection = Type.Object(
  {
    level: Type.Enum([...logLevels], { default: "info", description: "Least severe level written." }),
    format: Type.Enum(["text", "json"], { default: "text", description: "`text`: one readable line per record; `json`: one JSON object per line." }),
  },
  { additionalProperties: false, default: {}, description: "Log output (stderr)." },
);
