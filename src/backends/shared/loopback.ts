import { isLoopbackHost } from "./environment-proxy.ts";

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
