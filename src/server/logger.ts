import type { LogLevel } from "../config/sections/logging.ts";
import type { Logger } from "../core/codec.ts";
import { redactText, redactValue } from "../core/redact.ts";

/**
 * The process logger: one record per line on stderr, as readable text or JSON. Secrets are
 * scrubbed before formatting (see core/redact.ts). A record below the configured level
 * returns after one comparison: no clock read, no formatting, no redaction.
 */

export interface LoggerOptions {
  level: LogLevel;
  format: "text" | "json";
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const reserved = new Set(["time", "level", "msg"]);

function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item)) ?? "null";
}

function textValue(value: unknown): string {
  if (typeof value === "string" && /^[^\s"=\\]+$/.test(value)) return value;
  return jsonText(value);
}

function textLine(time: string, level: LogLevel, message: string, fields: Record<string, unknown> | undefined): string {
  let line = `${time} ${level.toUpperCase()} ${message.replace(/\r?\n/g, "\\n")}`;
  if (fields) for (const [key, value] of Object.entries(fields)) if (value !== undefined) line += ` ${key}=${textValue(value)}`;
  return `${line}\n`;
}

function jsonLine(time: string, level: LogLevel, message: string, fields: Record<string, unknown> | undefined): string {
  const record: Record<string, unknown> = { time, level, msg: message };
  if (fields) for (const [key, value] of Object.entries(fields)) record[reserved.has(key) ? `field_${key}` : key] = value;
  return `${jsonText(record)}\n`;
}

export function createLogger(options: LoggerOptions, write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  const threshold = rank[options.level];
  const format = options.format === "json" ? jsonLine : textLine;
  return (level, message, fields) => {
    if (rank[level] < threshold) return;
    let line: string;
    try {
      const safeFields = fields === undefined ? undefined : (redactValue(fields) as Record<string, unknown>);
      line = format(new Date().toISOString(), level, redactText(message), safeFields);
    } catch (error) {
      // A field that cannot be formatted must not take the request down with it.
      line = format(new Date().toISOString(), level, redactText(message), { log_error: redactText(String(error)) });
    }
    write(line);
  };
}
