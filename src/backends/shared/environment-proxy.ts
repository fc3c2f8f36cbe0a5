/**
 * The proxy an upstream URL goes through, decided from the backend environment (not from
 * process.env behind our back), so `http_client.trust_environment_proxy` and injected test
 * environments mean exactly what they say.
 */

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name.toLowerCase()] || env[name.toUpperCase()];
  return value && value.trim() !== "" ? value.trim() : undefined;
}

/** 127.0.0.0/8, ::1 and localhost never go through a proxy: local model servers are local. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

function defaultPort(url: URL): string {
  return url.port || (url.protocol === "https:" ? "443" : "80");
}

/** NO_PROXY entries: `*`, a host or domain (`example.com`, `.example.com`, `*.example.com`), optionally `:port`, or an exact IP. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  for (const raw of noProxy.split(/[\s,]+/)) {
    let entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry === "*") return true;
    let port: string | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    if (bracketed) {
      entry = bracketed[1]!;
      port = bracketed[2];
    } else if ((entry.match(/:/g) ?? []).length === 1) {
      [entry, port] = entry.split(":") as [string, string];
    }
    if (port !== undefined && port !== defaultPort(url)) continue;
    entry = entry.replace(/^\*?\./, "");
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** The proxy URL for this request, or false for a direct connection. */
export function proxyFor(url: URL, env: Env, trustEnvironment: boolean): string | false {
  if (!trustEnvironment || isLoopbackHost(url.hostname)) return false;
  if (bypassesProxy(url, read(env, "no_proxy"))) return false;
  const scheme = url.protocol === "https:" ? read(env, "https_proxy") : read(env, "http_proxy");
  const proxy = scheme ?? read(env, "all_proxy");
  // Bun's fetch speaks HTTP(S) proxies only; a socks:// value cannot be honoured.
  if (!proxy || !/^https?:\/\//i.test(proxy)) return false;
  return proxy;
}
