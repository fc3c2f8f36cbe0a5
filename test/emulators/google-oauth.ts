/**
 * A loopback stand-in for Google's OAuth2 token endpoint (`token_uri` in a credentials file):
 * verifies service-account JWT assertions (RS256 against the account's public key, iss, aud,
 * scope, lifetime) and refresh-token grants, and issues numbered access tokens. Also writes
 * credentials files for tests.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ServiceAccount {
  clientEmail: string;
  privateKeyPem: string;
  publicKey: CryptoKey;
}

export async function generateServiceAccount(clientEmail = "lipstd-test@example-project.iam.gserviceaccount.com"): Promise<ServiceAccount> {
  const pair = await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign", "verify"]);
  const der = Buffer.from(await crypto.subtle.exportKey("pkcs8", pair.privateKey)).toString("base64");
  const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${der.replace(/(.{64})/g, "$1\n")}\n-----END PRIVATE KEY-----\n`;
  return { clientEmail, privateKeyPem, publicKey: pair.publicKey };
}

export interface TokenRequest {
  grantType: string;
  /** Decoded JWT header and claims of a service-account assertion. */
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  form: URLSearchParams;
}

export interface TokenEndpointOptions {
  account?: ServiceAccount;
  user?: { clientId: string; clientSecret: string; refreshToken: string };
  expiresIn?: number;
  /** Answer every exchange with this failure. */
  fail?: { status: number; error: string; description: string };
}

export interface TokenEndpoint {
  url: string;
  requests: TokenRequest[];
  issued: string[];
  stop(): Promise<void>;
}

function decodeSegment(segment: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(segment, "base64url").toString("utf8")) as Record<string, unknown>;
}

export function startTokenEndpoint(options: TokenEndpointOptions): TokenEndpoint {
  const requests: TokenRequest[] = [];
  const issued: string[] = [];
  const refuse = (description: string) => Response.json({ error: "invalid_grant", error_description: description }, { status: 400 });
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      if (request.method !== "POST" || url.pathname !== "/token") return new Response("not found", { status: 404 });
      if (request.headers.get("content-type") !== "application/x-www-form-urlencoded") return refuse("expected a form body");
      const form = new URLSearchParams(await request.text());
      const record: TokenRequest = { grantType: form.get("grant_type") ?? "", form };
      requests.push(record);
      if (options.fail) return Response.json({ error: options.fail.error, error_description: options.fail.description }, { status: options.fail.status });
      if (record.grantType === "urn:ietf:params:oauth:grant-type:jwt-bearer") {
        const [header, claims, signature] = (form.get("assertion") ?? "").split(".");
        if (!header || !claims || !signature || !options.account) return refuse("malformed assertion");
        record.header = decodeSegment(header);
        record.claims = decodeSegment(claims);
        const valid = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", options.account.publicKey, Buffer.from(signature, "base64url"), new TextEncoder().encode(`${header}.${claims}`));
        if (!valid || record.header.alg !== "RS256") return refuse("Invalid JWT Signature.");
        const now = Math.floor(Date.now() / 1000);
        const { iss, aud, scope, iat, exp } = record.claims as { iss?: string; aud?: string; scope?: string; iat?: number; exp?: number };
        if (iss !== options.account.clientEmail) return refuse("Invalid issuer");
        if (aud !== `${server.url.origin}/token`) return refuse("Invalid audience");
        if (!scope?.split(" ").includes("https://www.googleapis.com/auth/cloud-platform")) return refuse("Invalid scope");
        if (typeof iat !== "number" || typeof exp !== "number" || exp - iat > 3600 || Math.abs(iat - now) > 300) return refuse("Invalid JWT: token lifetime");
      } else if (record.grantType === "refresh_token") {
        const user = options.user;
        const matches = user && form.get("client_id") === user.clientId && form.get("client_secret") === user.clientSecret && form.get("refresh_token") === user.refreshToken;
        if (!matches) return refuse("Bad Request");
      } else {
        return Response.json({ error: "unsupported_grant_type" }, { status: 400 });
      }
      const token = `ya29.emulated-${issued.length + 1}`;
      issued.push(token);
      return Response.json({ access_token: token, expires_in: options.expiresIn ?? 3599, token_type: "Bearer" });
    },
  });
  return {
    url: `${server.url.origin}/token`,
    requests,
    issued,
    async stop() {
      await server.stop(true);
    },
  };
}

/** Writes a credentials JSON into a fresh temp directory; returns its path. */
export function writeCredentialsFile(contents: Record<string, unknown>): string {
  const path = join(mkdtempSync(join(tmpdir(), "lipstd-gcp-")), "credentials.json");
  writeFileSync(path, JSON.stringify(contents, null, 2));
  return path;
}

export function serviceAccountFile(account: ServiceAccount, tokenUri: string, projectId = "example-project"): string {
  return writeCredentialsFile({
    type: "service_account",
    project_id: projectId,
    private_key_id: "0123456789abcdef",
    private_key: account.privateKeyPem,
    client_email: account.clientEmail,
    client_id: "100000000000000000000",
    token_uri: tokenUri,
  });
}
