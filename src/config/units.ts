import Type from "typebox";

/**
 * Duration and size values. The YAML accepts a plain number (seconds / bytes) or a string with
 * units; the loaded config always holds integers (milliseconds / bytes), via TypeBox codecs so
 * the schema stays the one description of both forms.
 */

const durationUnitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const durationPattern = "^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$";
const durationPart = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** `"1m30s"` → 90000, `"30d"` → 30 days; a number is seconds. Returns undefined for anything else. */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  if (typeof value !== "string" || !new RegExp(durationPattern).test(value)) return undefined;
  let total = 0;
  for (const match of value.matchAll(durationPart)) total += Number(match[1]) * (durationUnitMs[match[2]!] ?? 0);
  return Math.round(total);
}

const sizeUnitBytes: Record<string, number> = {
  "": 1, B: 1, KB: 1000, KiB: 1024, MB: 1000 ** 2, MiB: 1024 ** 2, GB: 1000 ** 3, GiB: 1024 ** 3,
};
const sizePattern = "^(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?$";

/** `"8MiB"` → 8388608; a number is bytes. Returns undefined for anything else. */
export function parseSizeBytes(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = new RegExp(sizePattern).exec(value);
  if (!match) return undefined;
  return Number(match[1]) * (sizeUnitBytes[match[2] ?? ""] ?? 1);
}

function decodeOrThrow(parse: (value: unknown) => number | undefined, what: string) {
  return (value: number | string): number => {
    const parsed = parse(value);
    // Unreachable after validation; a throw here would be a schema/parser mismatch.
    if (parsed === undefined) throw new Error(`invalid ${what}: ${String(value)}`);
    return parsed;
  };
}

/** A duration field: seconds or `"500ms"`/`"15s"`/`"2m"`/`"1h"`/`"30d"` (combinable: `"1m30s"`); loads as milliseconds. */
export function Duration(options: { default: number | string; description: string }) {
  const encoded = Type.Union([Type.Number({ minimum: 0 }), Type.String({ pattern: durationPattern })], {
    default: options.default,
    description: `${options.description} Seconds as a number, or a string like "500ms", "15s", "2m", "1h"; milliseconds after load.`,
    expected: 'a duration: seconds as a number, or a string like "500ms", "15s", "2m", "1h"',
  });
  return Type.Codec(encoded)
    .Decode(decodeOrThrow(parseDurationMs, "duration"))
    .Encode((ms: number) => ms / 1000);
}

/** A size field: bytes or `"512KiB"`/`"8MiB"`/`"1GB"`; loads as bytes. */
export function Size(options: { default: number | string; description: string }) {
  const encoded = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: sizePattern })], {
    default: options.default,
    description: `${options.description} Bytes as a number, or a string like "512KiB", "8MiB", "1GB".`,
    expected: 'a size: bytes as an integer, or a string like "512KiB", "8MiB", "1GB"',
  });
  return Type.Codec(encoded)
    .Decode(decodeOrThrow(parseSizeBytes, "size"))
    .Encode((bytes: number) => bytes);
}
