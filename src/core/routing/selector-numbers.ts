import { invalidSelector } from "./selector-error.ts";

const decimal = /^\d+(\.\d+)?$/;

/** Seconds as written in a selector (`30`, `2.5`) → milliseconds, within bounds. */
export function parseSeconds(name: string, value: string, position: number, options: { allowZero: boolean; max: number }): number {
  if (!decimal.test(value)) throw invalidSelector(`'${name}' needs a number of seconds, got '${value}'`, position);
  const seconds = Number(value);
  if ((!options.allowZero && seconds === 0) || seconds > options.max) {
    throw invalidSelector(`'${name}' must be ${options.allowZero ? "0" : "above 0"} to ${options.max} seconds, got '${value}'`, position);
  }
  return Math.round(seconds * 1000);
}

/** A positive whole number, at most `max`. */
export function parseCount(name: string, value: string, position: number, max: number): number {
  if (!/^\d+$/.test(value)) throw invalidSelector(`'${name}' needs a positive whole number, got '${value}'`, position);
  const count = Number(value);
  if (count < 1 || count > max) throw invalidSelector(`'${name}' must be 1 to ${max}, got '${value}'`, position);
  return count;
}

const suffixes: Record<string, number> = { "": 1, k: 1_000, m: 1_000_000 };

/** Token counts with an optional K (thousand) or M (million) suffix: `128K`, `1.5M`, `32000`. */
export function parseTokens(name: string, value: string, position: number): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(value);
  if (!match) throw invalidSelector(`'${name}' needs a token count like 32000, 128K or 1M, got '${value}'`, position);
  const tokens = Math.round(Number(match[1]) * suffixes[match[2]!.toLowerCase()]!);
  if (tokens < 1 || tokens > 1_000_000_000) throw invalidSelector(`'${name}' is out of range, got '${value}'`, position);
  return tokens;
}
