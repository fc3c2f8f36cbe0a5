import { LipError } from "../../../core/model/errors.ts";
import { redactSecrets } from "../upstream-error.ts";
import { createUpstreamHttp, type UpstreamHttp } from "../upstream-http.ts";
import type { GoogleCredentials } from "./credentials.ts";

export const cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

/** Refresh this long before Google's expiry, so a token never dies mid-request. */
const expiryMarginMs = 60_000;
/** Shared by every waiter, so no single request's cancellation may abort it (http_client timeouts bound it). */
const neverAborted = new AbortController().signal;

function base64Url(bytes: Uint8Array | string): string {
  return Buffer.from(bytes).toString("base64url");
}

function pemBody(pem: string): Uint8Array<ArrayBuffer> {
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
  return new Uint8Array(Buffer.from(body, "base64"));
}

/** A whole-second clock: JWT times are seconds. */
const seconds = (ms: number) => Math.floor(ms / 1000);

interface Token {
  value: string;
  expiresAt: number;
}

/**
 * OAuth2 access tokens for Google APIs from a credentials file: a service account signs an
 * RS256 JWT (WebCrypto) and exchanges it at `token_uri`; an authorized user (gcloud ADC)
 * exchanges its refresh token. One token is cached until shortly before it expires, and
 * concurrent requests share one exchange.
 */
export class GoogleTokenSource {
  private cached: Token | undefined;
  private pending: Promise<Token> | undefined;
  private signingKey: Promise<CryptoKey> | undefined;

  private readonly http: UpstreamHttp;
  private readonly now: () => number;

  constructor(
    private readonly credentials: GoogleCredentials,
    private readonly backendId: string,
    options: { http?: UpstreamHttp; now?: () => number } = {},
  ) {
    // The backend's own HTTP settings: a proxy that reaches the API must reach the token endpoint too.
    this.http = options.http ?? createUpstreamHttp();
    this.now = options.now ?? Date.now;
  }

  /** Headers every request carries besides the token (the quota project of user credentials). */
  get extraHeaders(): Record<string, string> {
    return this.credentials.type === "authorized_user" && this.credentials.quotaProjectId ? { "x-goog-user-project": this.credentials.quotaProjectId } : {};
  }

  async token(signal: AbortSignal): Promise<string> {
    const cached = this.cached;
    if (cached && cached.expiresAt - expiryMarginMs > this.now()) return cached.value;
    this.pending ??= this.exchange().finally(() => {
      this.pending = undefined;
    });
    const token = await raceAbort(this.pending, signal);
    return token.value;
  }

  /** After the API refused a token (401): the next request exchanges a new one. */
  invalidate(rejected: string): void {
    if (this.cached?.value === rejected) this.cached = undefined;
  }

  private async assertion(): Promise<string> {
    const credentials = this.credentials;
    if (credentials.type !== "service_account") throw new Error("assertion needs a service account");
    this.signingKey ??= crypto.subtle.importKey("pkcs8", pemBody(credentials.privateKey), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
    let key: CryptoKey;
    try {
      key = await this.signingKey;
    } catch {
      this.signingKey = undefined;
      throw new LipError("authentication", `backend '${this.backendId}': the service account private_key is not a PKCS#8 RSA key`, { status: 503, recoverable: true, code: "google_credentials_invalid" });
    }
    const issuedAt = seconds(this.now());
    const header = { alg: "RS256", typ: "JWT", ...(credentials.privateKeyId && { kid: credentials.privateKeyId }) };
    const claims = { iss: credentials.clientEmail, scope: cloudPlatformScope, aud: credentials.tokenUri, iat: issuedAt, exp: issuedAt + 3600 };
    const input = `${base64Url(JSON.stringify(header))}.${base64Url(JSON.stringify(claims))}`;
    const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, new TextEncoder().encode(input));
    return `${input}.${base64Url(new Uint8Array(signature))}`;
  }

  private async form(): Promise<URLSearchParams> {
    const credentials = this.credentials;
    if (credentials.type === "service_account") {
      return new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: await this.assertion() });
    }
    return new URLSearchParams({ grant_type: "refresh_token", client_id: credentials.clientId, client_secret: credentials.clientSecret, refresh_token: credentials.refreshToken });
  }

  private async exchange(): Promise<Token> {
    const body = await this.form();
    const startedAt = this.now();
    const response = await this.http.fetch(`${this.backendId} token endpoint`, this.credentials.tokenUri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: body.toString(),
      signal: neverAborted,
    });
    const text = await response.text().catch(() => "");
    let json: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      // reported below with the status
    }
    if (!response.ok || typeof json.access_token !== "string") {
      const reason = [json.error, json.error_description].filter((part) => typeof part === "string").join(": ") || `status ${response.status}`;
      const message = redactSecrets(`backend '${this.backendId}': Google token exchange failed (${reason})`).slice(0, 500);
      const kind = response.status >= 500 ? "upstream" : "authentication";
      throw new LipError(kind, message, { status: 503, recoverable: true, code: "google_token_exchange_failed" });
    }
    const lifetime = typeof json.expires_in === "number" ? json.expires_in : 3600;
    const token = { value: json.access_token, expiresAt: startedAt + lifetime * 1000 };
    this.cached = token;
    return token;
  }
}

/** Waits for a shared promise, but lets one waiter leave when its own request is cancelled. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new LipError("cancelled", "request cancelled"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new LipError("cancelled", "request cancelled"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
