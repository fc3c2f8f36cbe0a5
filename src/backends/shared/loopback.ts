/** 127.0.0.0/8, ::1 and localhost: the only hosts credentials may reach over cleartext HTTP. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * An endpoint that will carry credentials: https anywhere, http only to loopback (tests, local
 * emulators). Returns the URL without a trailing slash; throws naming `what` otherwise.
 */
export function credentialSafeUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what}: '${value}' is not a URL`);
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname))) return value.replace(/\/+$/, "");
  throw new Error(`${what}: '${value}' must use https (cleartext http is allowed only to loopback)`);
}
