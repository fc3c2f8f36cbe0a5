import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { InboundRequest, Logger } from "../../../src/core/codec.ts";
import type { CanonicalEvent } from "../../../src/core/model/events.ts";
import { defaultLimits } from "../../../src/core/model/limits.ts";

const root = join(import.meta.dir, "../../../testdata/anthropic");

export function requestFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, "requests", `${name}.json`), "utf8"));
}

export function streamFixture(name: string): { events: CanonicalEvent[]; sse: string } {
  return {
    events: JSON.parse(readFileSync(join(root, "streams", `${name}.events.json`), "utf8")),
    sse: readFileSync(join(root, "streams", `${name}.sse`), "utf8"),
  };
}

export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

export function inbound(lines: LogLine[] = []): InboundRequest {
  const log: Logger = (level, message, fields) => lines.push({ level, message, ...(fields && { fields }) });
  return { url: new URL("http://127.0.0.1/v1/messages"), headers: new Headers(), params: {}, limits: defaultLimits, log };
}
