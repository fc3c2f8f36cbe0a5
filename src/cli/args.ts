/**
 * Command-line parsing: one verb (default `serve`), `--config PATH` / `--config=PATH` before
 * or after it (the last one wins), `--address HOST:PORT`, `--help`. Anything else is a usage
 * error, reported with the help text and exit code 2.
 */

export const verbs = ["serve", "check-config", "routes", "inventory", "schema", "version"] as const;
export type Verb = (typeof verbs)[number];

export type ParsedArgs =
  | { kind: "run"; verb: Verb; configPath?: string; address?: string; explain?: string }
  | { kind: "help" }
  | { kind: "usage-error"; message: string };

const valueFlags = ["--config", "--address", "--explain"] as const;
type ValueFlag = (typeof valueFlags)[number];

const isVerb = (word: string): word is Verb => (verbs as readonly string[]).includes(word);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.some((arg) => arg === "--help" || arg === "-h")) return { kind: "help" };
  let verb: Verb | undefined;
  const values: Partial<Record<ValueFlag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if ((valueFlags as readonly string[]).includes(flag)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === "" || (inline === undefined && value.startsWith("--"))) {
        return { kind: "usage-error", message: `${flag} needs a value` };
      }
      values[flag as ValueFlag] = value;
    } else if (arg.startsWith("-")) {
      return { kind: "usage-error", message: `unknown flag: ${arg}` };
    } else if (verb !== undefined) {
      return { kind: "usage-error", message: `unexpected argument: ${arg} (verb already given: ${verb})` };
    } else if (isVerb(arg)) {
      verb = arg;
    } else {
      return { kind: "usage-error", message: `unknown verb: ${arg}` };
    }
  }
  if (values["--explain"] !== undefined && verb !== "routes") return { kind: "usage-error", message: "--explain goes with the routes verb" };
  return { kind: "run", verb: verb ?? "serve", configPath: values["--config"], address: values["--address"], ...(values["--explain"] !== undefined && { explain: values["--explain"] }) };
}

export const helpText = `Usage: lipstd [--config PATH] [VERB] [--address HOST:PORT]

LLM gateway: one endpoint for AI clients, routed to model providers.

Verbs:
  serve          Start the gateway (the default verb)
  check-config   Validate the configuration; prints "configuration is valid" or every problem
  routes         Print the effective default route, backends, model aliases and credential
                 posture (key sources and counts, never keys) as JSON; with
                 --explain "SELECTOR", the plan that selector compiles to
  inventory      Print the registered frontends, backend kinds, features, hook stages and
                 server limits as JSON
  schema         Print the configuration JSON Schema (for editors and validators)
  version        Print the version

Flags:
  --config PATH        YAML configuration file; without it the embedded default (one local
                       stub backend) is used. May come before or after the verb; the last wins.
                       --config=PATH works too.
  --address HOST:PORT  Listen address, overriding server.address
  --explain SELECTOR   With routes: show the failover arms, weights, race start delays and
                       budgets a route selector compiles to (docs/routing.md)
  -h, --help           Show this help

Exit codes: 0 ok, 1 configuration invalid or runtime failure, 2 usage error.
`;
