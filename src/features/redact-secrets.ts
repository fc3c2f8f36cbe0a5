import { Type } from "typebox";
import type { FeatureDefinition } from "../core/pipeline/feature-definition.ts";
import type { RequestContext } from "../core/pipeline/pipeline.ts";

/** Provider-key shapes that should never leave the machine inside a prompt. */
const builtinPatterns = [
  "sk-ant-[A-Za-z0-9_-]{16,}",
  "sk-(?:proj-)?[A-Za-z0-9_-]{20,}",
  "AIza[A-Za-z0-9_-]{30,}",
  "AKIA[0-9A-Z]{16}",
  "gh[pousr]_[A-Za-z0-9]{30,}",
  "xox[baprs]-[A-Za-z0-9-]{10,}",
];

const options = Type.Object({
  enabled: Type.Optional(Type.Boolean({ default: false })),
  patterns: Type.Optional(Type.Array(Type.String(), { description: "Extra regular expressions to redact." })),
  replacement: Type.Optional(Type.String({ default: "[REDACTED]" })),
});

/**
 * secret_guard: replaces credential-shaped strings in outgoing text (messages and tool results)
 * before any backend sees them. Fail-closed by the stage's policy: if redaction breaks, the
 * request is refused rather than sent unredacted.
 */
export const redactSecretsFeature: FeatureDefinition = {
  name: "redact_secrets",
  description: "Redact API-key-shaped strings from prompts before they reach a provider.",
  options,
  create(settings) {
    if (settings?.enabled !== true) return undefined;
    const extra = (settings.patterns as string[] | undefined) ?? [];
    const pattern = new RegExp([...builtinPatterns, ...extra].map((source) => `(?:${source})`).join("|"), "g");
    const replacement = (settings.replacement as string | undefined) ?? "[REDACTED]";
    return {
      name: "redact_secrets",
      handlers: {
        secret_guard(context: RequestContext) {
          let count = 0;
          const redact = (text: string): string =>
            text.replace(pattern, () => {
              count++;
              return replacement;
            });
          for (const message of context.call.messages) {
            for (const part of message.parts) {
              if (part.type === "text") part.text = redact(part.text);
              else if (part.type === "tool_result") for (const item of part.content) if (item.type === "text") item.text = redact(item.text);
            }
          }
          if (count > 0) context.log("info", "redacted secrets from request", { count });
        },
      },
    };
  },
};
