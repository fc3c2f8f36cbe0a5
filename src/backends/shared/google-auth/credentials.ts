import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { credentialSafeUrl } from "../loopback.ts";

/**
 * Google Cloud credential files, found the way Google's client libraries find Application
 * Default Credentials: an explicit file, then GOOGLE_APPLICATION_CREDENTIALS, then the file
 * `gcloud auth application-default login` writes. (The GCE metadata server is not consulted.)
 */

export const defaultTokenUri = "https://oauth2.googleapis.com/token";

export type GoogleCredentials =
  | { type: "service_account"; clientEmail: string; privateKey: string; privateKeyId?: string; tokenUri: string; projectId?: string }
  | { type: "authorized_user"; clientId: string; clientSecret: string; refreshToken: string; tokenUri: string; quotaProjectId?: string };

type Env = Record<string, string | undefined>;

export interface CredentialsLocation {
  path: string;
  /** Where the path came from, for messages. */
  source: "credentials_file" | "GOOGLE_APPLICATION_CREDENTIALS" | "gcloud";
}

/** gcloud's ADC file: $CLOUDSDK_CONFIG, else %APPDATA%\gcloud on Windows, else ~/.config/gcloud. */
function gcloudFile(env: Env): string | undefined {
  const directory = env.CLOUDSDK_CONFIG ?? (env.APPDATA ? join(env.APPDATA, "gcloud") : env.HOME ? join(env.HOME, ".config", "gcloud") : undefined);
  return directory && join(directory, "application_default_credentials.json");
}

export function findCredentials(explicit: string | undefined, env: Env): CredentialsLocation | undefined {
  if (explicit) return { path: explicit, source: "credentials_file" };
  if (env.GOOGLE_APPLICATION_CREDENTIALS) return { path: env.GOOGLE_APPLICATION_CREDENTIALS, source: "GOOGLE_APPLICATION_CREDENTIALS" };
  const gcloud = gcloudFile(env);
  return gcloud && existsSync(gcloud) ? { path: gcloud, source: "gcloud" } : undefined;
}

function field(json: Record<string, unknown>, name: string, where: string): string {
  const value = json[name];
  if (typeof value !== "string" || value === "") throw new Error(`${where}: missing "${name}"`);
  return value;
}

function optional(json: Record<string, unknown>, name: string): string | undefined {
  const value = json[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Reads and checks a credentials file. Errors name the file and the field, never a secret. */
export function loadCredentials(location: CredentialsLocation): GoogleCredentials {
  const where = `${location.source} '${location.path}'`;
  let json: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(readFileSync(location.path, "utf8"));
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not a JSON object");
    json = parsed as Record<string, unknown>;
  } catch (thrown) {
    const reason = thrown instanceof SyntaxError ? "not valid JSON" : thrown instanceof Error ? thrown.message : String(thrown);
    throw new Error(`${where}: cannot read Google credentials (${reason})`);
  }
  const tokenUri = credentialSafeUrl(optional(json, "token_uri") ?? defaultTokenUri, `${where} token_uri`);
  const type = json.type;
  if (type === "service_account") {
    const privateKeyId = optional(json, "private_key_id");
    const projectId = optional(json, "project_id");
    return {
      type,
      clientEmail: field(json, "client_email", where),
      privateKey: field(json, "private_key", where),
      tokenUri,
      ...(privateKeyId && { privateKeyId }),
      ...(projectId && { projectId }),
    };
  }
  if (type === "authorized_user") {
    const quotaProjectId = optional(json, "quota_project_id");
    return {
      type,
      clientId: field(json, "client_id", where),
      clientSecret: field(json, "client_secret", where),
      refreshToken: field(json, "refresh_token", where),
      tokenUri,
      ...(quotaProjectId && { quotaProjectId }),
    };
  }
  throw new Error(`${where}: unsupported credentials type ${JSON.stringify(type)} (expected "service_account" or "authorized_user")`);
}
