#!/usr/bin/env bun
/**
 * The `lipstd` command. Verbs and flags are parsed in cli/args.ts; each verb loads the config
 * (except `schema` and `version`), prints one document, and exits 0, 1 (config invalid or
 * runtime failure) or 2 (usage error).
 */
import packageJson from "../package.json" with { type: "json" };
import { helpText, parseArgs, type Verb } from "./cli/args.ts";
import { inventoryReport, routesReport } from "./cli/reports.ts";
import { ConfigError } from "./config/errors.ts";
import { configJsonSchema } from "./config/json-schema.ts";
import { loadConfig } from "./config/load.ts";
import type { LipConfig } from "./config/schema.ts";
import { parseAddress } from "./config/sections/server.ts";
import * as registry from "./registry.ts";
import { createLogger } from "./server/logger.ts";
import { startServer } from "./server/server.ts";

type Env = Record<string, string | undefined>;

const out = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
const err = (text: string) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
const json = (value: unknown) => out(JSON.stringify(value, null, 2));

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      // A second signal while draining means "now".
      if (stopping) process.exit(1);
      stopping = true;
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

async function serve(config: LipConfig, env: Env): Promise<number> {
  const log = createLogger(config.logging);
  const server = await startServer(config, { log, env });
  err(`lipstd listening on ${server.url}`);
  const signal = await waitForStopSignal();
  log("info", "stopping", { signal });
  await server.stop();
  return 0;
}

async function runVerb(verb: Verb, config: LipConfig, env: Env, explain?: string): Promise<number> {
  switch (verb) {
    case "serve":
      return serve(config, env);
    case "check-config":
      out("configuration is valid");
      return 0;
    case "routes":
      json(routesReport(config, registry.backendKinds, env, explain));
      return 0;
    case "inventory":
      json(inventoryReport(config, registry));
      return 0;
    case "schema":
    case "version":
      throw new Error(`${verb} needs no configuration`);
    default: {
      const _exhaustive: never = verb;
      return _exhaustive;
    }
  }
}

export async function main(argv: readonly string[], env: Env = process.env): Promise<number> {
  const args = parseArgs(argv);
  if (args.kind === "help") {
    out(helpText);
    return 0;
  }
  if (args.kind === "usage-error") {
    err(`lipstd: ${args.message}\n\n${helpText}`);
    return 2;
  }
  if (args.verb === "version") {
    out(`lipstd ${packageJson.version}`);
    return 0;
  }
  if (args.verb === "schema") {
    json(configJsonSchema(registry));
    return 0;
  }
  if (args.address !== undefined && parseAddress(args.address) === undefined) {
    err(`lipstd: --address: expected HOST:PORT with a port of 0-65535, got "${args.address}"\n\n${helpText}`);
    return 2;
  }
  try {
    const config = loadConfig({ path: args.configPath, env });
    if (args.address !== undefined) config.server.address = args.address;
    return await runVerb(args.verb, config, env, args.explain);
  } catch (error) {
    if (error instanceof ConfigError) {
      err(`configuration invalid: ${error.message}`);
      return 1;
    }
    err(`lipstd: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
