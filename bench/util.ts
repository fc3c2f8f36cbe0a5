/**
 * Small helpers shared by the bench scripts: CLI flag parsing, percentiles, child processes.
 * Nothing here talks to anything but 127.0.0.1.
 */
import type { Subprocess } from "bun";

/** `--name value`, `--name=value` and bare `--flag` (→ "true"). Unknown flags are kept; callers pick. */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) continue;
    const eq = arg.indexOf("=");
    if (eq !== -1) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith("--")) {
      flags.set(arg.slice(2), next);
      i++;
    } else {
      flags.set(arg.slice(2), "true");
    }
  }
  return flags;
}

/** A non-negative number from a flag, then an env var, then the default; anything else is an error. */
export function numberOption(
  flags: Map<string, string>,
  name: string,
  envName: string | undefined,
  fallback: number,
): number {
  const raw = flags.get(name) ?? (envName === undefined ? undefined : process.env[envName]);
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a non-negative number, got ${JSON.stringify(raw)}`);
  return n;
}

export function stringOption(
  flags: Map<string, string>,
  name: string,
  envName: string | undefined,
  fallback: string,
): string {
  return flags.get(name) ?? (envName === undefined ? undefined : process.env[envName]) ?? fallback;
}

/** Nearest-rank percentile of an ascending-sorted array (p in 0..100). NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  const idx = Math.min(sorted.length - 1, Math.max(0, rank - 1));
  return sorted[idx]!;
}

/** A port the kernel says is free right now (bind :0 on loopback, read it, release it). */
export function freePort(): number {
  const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(null) });
  const port = probe.port;
  probe.stop(true);
  if (port === undefined) throw new Error("could not pick a free port");
  return port;
}

/** A child process whose stdout/stderr are drained into a bounded tail, waited on for a ready line. */
export interface Child {
  name: string;
  proc: Subprocess<"ignore", "pipe", "pipe">;
  pid: number;
  /** Last few KiB of stdout+stderr, for error messages. */
  tail(): string;
  /** Stop: SIGTERM, then SIGKILL after a grace period. Safe to call twice. */
  stop(): Promise<void>;
}

const TAIL_BYTES = 8192;

/**
 * Spawn `cmd` and wait (at most `readyTimeoutMs`) until a line of stdout or stderr matches `ready`.
 * Returns the child and the match. The child is killed if it never gets ready.
 */
export async function spawnReady(
  name: string,
  cmd: string[],
  ready: RegExp,
  readyTimeoutMs: number,
  env?: Record<string, string | undefined>,
): Promise<{ child: Child; match: RegExpMatchArray }> {
  const proc = Bun.spawn(cmd, {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    env: env ?? process.env,
  });
  let tail = "";
  let resolveReady: ((m: RegExpMatchArray) => void) | undefined;
  const readyPromise = new Promise<RegExpMatchArray>((resolve) => {
    resolveReady = resolve;
  });
  const pump = async (stream: ReadableStream<Uint8Array>): Promise<void> => {
    const decoder = new TextDecoder();
    let line = "";
    try {
      for await (const chunk of stream) {
        const text = decoder.decode(chunk, { stream: true });
        tail = (tail + text).slice(-TAIL_BYTES);
        if (resolveReady === undefined) continue; // already ready: just drain
        line += text;
        let nl: number;
        while ((nl = line.indexOf("\n")) !== -1) {
          const one = line.slice(0, nl);
          line = line.slice(nl + 1);
          const m = one.match(ready);
          if (m !== null && resolveReady !== undefined) {
            resolveReady(m);
            resolveReady = undefined;
            line = "";
            break;
          }
        }
        if (line.length > TAIL_BYTES) line = line.slice(-TAIL_BYTES);
      }
    } catch {
      // The child went away; nothing to drain.
    }
  };
  void pump(proc.stdout);
  void pump(proc.stderr);

  let stopped = false;
  const child: Child = {
    name,
    proc,
    pid: proc.pid,
    tail: () => tail,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(2000).then(() => false)]);
      if (!exited) {
        proc.kill("SIGKILL");
        await Promise.race([proc.exited, Bun.sleep(2000)]);
      }
    },
  };
  liveChildren.add(child);
  void proc.exited.then(() => liveChildren.delete(child));

  let timer: Timer | undefined;
  const outcome = await Promise.race([
    readyPromise.then((m) => ({ kind: "ready" as const, m })),
    proc.exited.then((code) => ({ kind: "exited" as const, code })),
    new Promise<{ kind: "timeout" }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: "timeout" }), readyTimeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome.kind === "ready") return { child, match: outcome.m };
  await child.stop();
  const why = outcome.kind === "exited" ? `exited with code ${outcome.code}` : `not ready after ${readyTimeoutMs} ms`;
  throw new Error(`${name} ${why}: ${cmd.join(" ")}\n--- output tail ---\n${tail}`);
}

/** Every child spawned through spawnReady that has not exited yet. */
export const liveChildren = new Set<Child>();

/** Kill whatever is still alive, synchronously (for exit/signal handlers). */
export function killAllChildrenNow(): void {
  for (const c of liveChildren) {
    try {
      c.proc.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}
