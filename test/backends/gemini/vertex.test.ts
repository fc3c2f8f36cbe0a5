import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { vertexGeminiKind, vertexMethodUrl } from "../../../src/backends/gemini/vertex-kind.ts";
import { GoogleTokenSource } from "../../../src/backends/shared/google-auth/token-source.ts";
import type { BackendConfig } from "../../../src/core/backend-kind.ts";
import { LipError } from "../../../src/core/model/errors.ts";
import { testConfig } from "../../helpers/config.ts";
import { startLipstd, type TestServer } from "../../helpers/lipstd.ts";
import { type Emulator, type GeminiStep, type RecordedRequest, startGeminiEmulator } from "../../emulators/gemini.ts";
import { generateServiceAccount, type ServiceAccount, serviceAccountFile, startTokenEndpoint, type TokenEndpoint, writeCredentialsFile } from "../../emulators/google-oauth.ts";

/**
 * vertex-gemini end to end: a loopback token endpoint (the credentials file's token_uri) and
 * the Gemini emulator as the Vertex host (`base_endpoint`). No Google SDK, no network.
 */

const user = [{ role: "user" as const, content: "hi" }];
const noLog = () => {};

let account: ServiceAccount;
let tokens: TokenEndpoint;
let emulator: Emulator;
let script: (request: RecordedRequest, index: number) => GeminiStep = () => ({ reply: { text: "from vertex" } });

beforeAll(async () => {
  account = await generateServiceAccount();
  tokens = startTokenEndpoint({ account, user: { clientId: "cid.apps.googleusercontent.com", clientSecret: "very-secret-client", refreshToken: "1//refresh" } });
  // The first token issued is refused by "Vertex", as if it had been revoked.
  emulator = startGeminiEmulator({ script: (request, index) => script(request, index), rejectKeys: ["ya29.emulated-1"] });
});

afterAll(async () => {
  await emulator.stop();
  await tokens.stop();
});

function chat(server: TestServer): OpenAI {
  return new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "client-key", maxRetries: 0 });
}

describe("vertex-gemini over HTTP", () => {
  test("service account: a signed JWT exchanged, the token cached, a 401 replaces it once, the Vertex path and bearer", async () => {
    const credentials = serviceAccountFile(account, tokens.url, "sa-project");
    const server = await startLipstd(testConfig([{ id: "v", kind: "vertex-gemini", credentials_file: credentials, location: "us-central1", base_endpoint: emulator.origin }]));
    try {
      const exchangesBefore = tokens.requests.length;
      const before = emulator.requests.length;
      script = () => ({ reply: { text: "from vertex", usage: { input: 3, output: 2 } } });
      const first = await chat(server).chat.completions.create({ model: "v:gemini-2.5-pro", messages: user });
      const second = await chat(server).chat.completions.create({ model: "v:gemini-2.5-pro", messages: user, stream: true });
      for await (const _chunk of second) {
        // drain
      }
      expect(first.choices[0]!.message.content).toBe("from vertex");
      const upstream = emulator.requests.slice(before);
      // Token 1 is refused once (401) and replaced; every later request reuses token 2.
      expect(upstream.map((request) => request.key)).toEqual(["ya29.emulated-1", "ya29.emulated-2", "ya29.emulated-2"]);
      expect(upstream[1]!.path).toBe("/v1/projects/sa-project/locations/us-central1/publishers/google/models/gemini-2.5-pro:streamGenerateContent");
      expect(upstream[1]!.query.get("alt")).toBe("sse");
      expect(upstream[1]!.headers["x-goog-api-key"]).toBeUndefined();

      const exchanges = tokens.requests.slice(exchangesBefore);
      expect(exchanges).toHaveLength(2);
      expect(exchanges[0]!.grantType).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
      expect(exchanges[0]!.header).toEqual({ alg: "RS256", typ: "JWT", kid: "0123456789abcdef" });
      expect(exchanges[0]!.claims).toMatchObject({ iss: account.clientEmail, aud: tokens.url, scope: "https://www.googleapis.com/auth/cloud-platform" });
    } finally {
      await server.stop();
    }
  });

  test("gcloud application default credentials (authorized_user): refresh-token grant, quota project header", async () => {
    const gcloud = mkdtempSync(join(tmpdir(), "lipstd-gcloud-"));
    writeFileSync(
      join(gcloud, "application_default_credentials.json"),
      JSON.stringify({ type: "authorized_user", client_id: "cid.apps.googleusercontent.com", client_secret: "very-secret-client", refresh_token: "1//refresh", quota_project_id: "billing-project", token_uri: tokens.url }),
    );
    const env = { CLOUDSDK_CONFIG: gcloud, GOOGLE_CLOUD_PROJECT: "env-project" };
    const server = await startLipstd(testConfig([{ id: "adc", kind: "vertex-gemini", base_endpoint: emulator.origin }]), { env });
    try {
      const before = emulator.requests.length;
      const exchangesBefore = tokens.requests.length;
      script = () => ({ reply: { text: "adc ok" } });
      const completion = await chat(server).chat.completions.create({ model: "adc:gemini-3-flash-preview", messages: user });
      expect(completion.choices[0]!.message.content).toBe("adc ok");
      const [request] = emulator.requests.slice(before);
      expect(request!.path).toBe("/v1/projects/env-project/locations/global/publishers/google/models/gemini-3-flash-preview:streamGenerateContent");
      expect(request!.headers["x-goog-user-project"]).toBe("billing-project");
      expect(request!.headers.authorization).toMatch(/^Bearer ya29\.emulated-\d+$/);
      const [exchange] = tokens.requests.slice(exchangesBefore);
      expect(exchange!.grantType).toBe("refresh_token");
      expect(exchange!.form.get("refresh_token")).toBe("1//refresh");
    } finally {
      await server.stop();
    }
  });

  test("a refused token exchange is recoverable (failover) and never echoes the client secret", async () => {
    const failing = startTokenEndpoint({ fail: { status: 400, error: "invalid_grant", description: "Token has been expired or revoked." } });
    const credentials = writeCredentialsFile({ type: "authorized_user", client_id: "cid", client_secret: "very-secret-client", refresh_token: "1//gone", token_uri: failing.url });
    const server = await startLipstd(
      testConfig([
        { id: "v", kind: "vertex-gemini", credentials_file: credentials, project: "p", base_endpoint: emulator.origin },
        { id: "stub", kind: "local-stub", text: "from stub" },
      ]),
    );
    try {
      const fallback = await chat(server).chat.completions.create({ model: "x", messages: user }, { headers: { "x-lip-route": "v:gemini-2.5-flash|stub:stub-default" } });
      expect(fallback.choices[0]!.message.content).toBe("from stub");
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "v:gemini-2.5-flash", messages: user }),
      });
      const text = await response.text();
      expect(response.status).toBe(503);
      expect(text).toContain("Token has been expired or revoked");
      expect(text).not.toContain("very-secret-client");
      expect(JSON.stringify(server.logs)).not.toContain("very-secret-client");
    } finally {
      await server.stop();
      await failing.stop();
    }
  });

  test("Vertex refusing a fresh token too: the attempt fails over, after exactly one token refresh", async () => {
    const credentials = serviceAccountFile(account, tokens.url, "denied-project");
    const server = await startLipstd(
      testConfig([
        { id: "v", kind: "vertex-gemini", credentials_file: credentials, base_endpoint: emulator.origin },
        { id: "stub", kind: "local-stub", text: "from stub" },
      ]),
    );
    try {
      script = () => ({ error: { status: 401, message: "Request had invalid authentication credentials. Expected OAuth 2 access token." } });
      const before = emulator.requests.length;
      const exchangesBefore = tokens.requests.length;
      const completion = await chat(server).chat.completions.create({ model: "x", messages: user }, { headers: { "x-lip-route": "v:gemini-2.5-flash|stub:stub-default" } });
      expect(completion.choices[0]!.message.content).toBe("from stub");
      expect(emulator.requests.length - before).toBe(2);
      expect(tokens.requests.length - exchangesBefore).toBe(2);
    } finally {
      await server.stop();
    }
  });
});

describe("token source", () => {
  test("a token is reused until a minute before it expires; concurrent callers share one exchange", async () => {
    const user = { clientId: "c", clientSecret: "s", refreshToken: "r" };
    const local = startTokenEndpoint({ user, expiresIn: 3600 });
    let now = Date.now();
    const source = new GoogleTokenSource({ type: "authorized_user", ...user, tokenUri: local.url }, "v", { now: () => now });
    try {
      const signal = new AbortController().signal;
      const [a, b] = await Promise.all([source.token(signal), source.token(signal)]);
      expect(a).toBe(b);
      expect(local.requests).toHaveLength(1);
      now += 3_500_000;
      expect(await source.token(signal)).toBe(a);
      now += 50_000;
      expect(await source.token(signal)).not.toBe(a);
      expect(local.requests).toHaveLength(2);
    } finally {
      await local.stop();
    }
  });

  test("a private key that is not PKCS#8 RSA is a clear, recoverable error", async () => {
    const source = new GoogleTokenSource({ type: "service_account", clientEmail: "x@y", privateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", tokenUri: tokens.url }, "v");
    const failure = await source.token(new AbortController().signal).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(LipError);
    expect((failure as LipError).error).toMatchObject({ kind: "authentication", recoverable: true, code: "google_credentials_invalid" });
  });
});

describe("vertex-gemini configuration", () => {
  const create = (config: Partial<BackendConfig>, env: Record<string, string | undefined> = {}) =>
    vertexGeminiKind.create({ id: "v", kind: "vertex-gemini", enabled: true, ...config }, { env, log: noLog });

  test("resource URLs: regional and global hosts, publisher models, full resource names", () => {
    expect(vertexMethodUrl("https://europe-west4-aiplatform.googleapis.com", "p", "europe-west4", "models/gemini-2.5-flash", "countTokens")).toBe(
      "https://europe-west4-aiplatform.googleapis.com/v1/projects/p/locations/europe-west4/publishers/google/models/gemini-2.5-flash:countTokens",
    );
    expect(vertexMethodUrl("https://aiplatform.googleapis.com", "p", "global", "endpoints/123", "streamGenerateContent")).toBe(
      "https://aiplatform.googleapis.com/v1/projects/p/locations/global/endpoints/123:streamGenerateContent?alt=sse",
    );
  });

  test("credentials go only over https or to loopback; named files must exist; a project is required", () => {
    const credentials = serviceAccountFile(account, tokens.url);
    expect(() => create({ credentials_file: credentials, base_endpoint: "http://vertex.internal.example:8080" })).toThrow("must use https");
    expect(() => create({ credentials_file: "/nonexistent/creds.json" })).toThrow("/nonexistent/creds.json");
    expect(() => create({}, { GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/adc.json" })).toThrow("GOOGLE_APPLICATION_CREDENTIALS");
    expect(() => create({ credentials_file: writeCredentialsFile({ type: "authorized_user", client_id: "a", client_secret: "b", refresh_token: "c" }) })).toThrow("backends.v.project");
    expect(() => create({ credentials_file: writeCredentialsFile({ type: "external_account" }), project: "p" })).toThrow("unsupported credentials type");
    expect(() => create({ credentials_file: writeCredentialsFile({ type: "service_account", private_key: "k", client_email: "e", token_uri: "http://oauth.example.com/token" }), project: "p" })).toThrow("must use https");
    expect(() => create({ api_key: "AIza-not-for-vertex", project: "p" })).toThrow("api_key is not used");
    expect(create({ credentials_file: credentials, base_endpoint: "http://127.0.0.1:9" }).kind).toBe("vertex-gemini");
  });

  test("no credentials anywhere: the server starts, and attempts fail over with a clear reason", async () => {
    const backend = create({ project: "p", base_endpoint: emulator.origin }, { HOME: mkdtempSync(join(tmpdir(), "lipstd-home-")) });
    const attempt = { model: "gemini-2.5-flash", signal: new AbortController().signal, aLegId: "a", bLegId: "b", clientHeaders: new Headers(), log: noLog };
    const failure = await backend
      .stream({ model: "m", messages: [{ role: "user", parts: [{ type: "text", text: "hi" }] }], tools: [], options: {}, stream: true, sourceDialect: "openai-chat", extensions: {} }, attempt)
      [Symbol.asyncIterator]()
      .next()
      .catch((error: unknown) => error);
    expect((failure as LipError).error).toMatchObject({ kind: "authentication", recoverable: true, code: "no_credentials" });
  });
});
