/**
 * CPU time and peak RSS of a process, read from /proc (Linux only).
 *
 * CPU: fields 14 and 15 of /proc/<pid>/stat (utime, stime, all threads) in clock ticks; ticks per
 * second from `getconf CLK_TCK` (100 on every mainstream kernel). Read before and after a phase and
 * subtract. Resolution is one tick (10 ms), so phases must be long enough for that not to matter.
 *
 * Peak RSS: VmHWM of /proc/<pid>/status (kB). It is the peak over the process's whole life, so a
 * phase that wants its own peak must run in a fresh process.
 */

let ticksPerSecond: number | undefined;

export function clockTicksPerSecond(): number {
  if (ticksPerSecond !== undefined) return ticksPerSecond;
  let ticks = 100;
  try {
    const out = Bun.spawnSync(["getconf", "CLK_TCK"], { stdout: "pipe", stderr: "ignore" });
    const n = Number(out.stdout.toString().trim());
    if (out.exitCode === 0 && Number.isInteger(n) && n > 0) ticks = n;
  } catch {
    // getconf missing: keep the Linux default.
  }
  ticksPerSecond = ticks;
  return ticks;
}

/** utime + stime of `pid` in seconds. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Bun.file(`/proc/${pid}/stat`).text();
  // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state), so field N is rest[N - 3].
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unreadable /proc/${pid}/stat`);
  return (utime + stime) / clockTicksPerSecond();
}

async function statusField(pid: number, field: string): Promise<number> {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  const m = status.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m"));
  if (m === null) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/** Lifetime peak resident set size of `pid` in bytes (VmHWM). */
export function peakRssBytes(pid: number): Promise<number> {
  return statusField(pid, "VmHWM");
}

/** Current resident set size of `pid` in bytes (VmRSS). */
export function rssBytes(pid: number): Promise<number> {
  return statusField(pid, "VmRSS");
}

export interface ProcSample {
  cpuSeconds: number;
  peakRssBytes: number;
}

export async function sample(pid: number): Promise<ProcSample> {
  return { cpuSeconds: await cpuSeconds(pid), peakRssBytes: await peakRssBytes(pid) };
}
