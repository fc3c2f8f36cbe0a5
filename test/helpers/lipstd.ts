import type { Logger } from "../../src/core/codec.ts";
import { type RunningServer, type StartOptions, startServer } from "../../src/server/server.ts";
import type { ServerConfig } from "../../src/server/server-config.ts";

export interface TestServer extends RunningServer {
  /** Log lines the server wrote, for asserting on warnings and on what must never be logged. */
  logs: Array<{ level: string; message: string; fields?: Record<string, unknown> }>;
}

/** A real lipstd on 127.0.0.1:0 that records its log instead of printing it. */
export async function startLipstd(config: ServerConfig, options: Partial<StartOptions> = {}): Promise<TestServer> {
  const logs: TestServer["logs"] = [];
  const log: Logger = (level, message, fields) => {
    logs.push({ level, message, ...(fields && { fields }) });
  };
  const server = await startServer(config, { log, ...options });
  return Object.assign(server, { logs });
}

/** POST JSON to a running lipstd. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

/** `data:` payloads of an SSE body, in order. */
export async function sseData(response: Response): Promise<string[]> {
  const text = await response.text();
  return text
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).trimStart());
}
