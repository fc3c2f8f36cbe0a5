import { Type } from "typebox";
import type { BackendConfig, BackendEnvironment, BackendKind } from "../../core/backend-kind.ts";
import type { BackendInstance } from "../../core/codec.ts";
import { LipError } from "../../core/model/errors.ts";
import { findCredentials, type GoogleCredentials, loadCredentials } from "../shared/google-auth/credentials.ts";
import { GoogleTokenSource } from "../shared/google-auth/token-source.ts";
import { credentialSafeUrl } from "../shared/loopback.ts";
import { type UpstreamHttp, upstreamHttpFor } from "../shared/upstream-http.ts";
import { type BearerAuth, createGeminiInstance, defaultGeminiModel, type GeminiMethod } from "./backend.ts";
import { thinkingControlOption } from "./kind.ts";
import { bareModel } from "./request.ts";

const options = Type.Object({
  project: Type.Optional(Type.String({ minLength: 1, description: "Google Cloud project id; default: the service account's project_id, then GOOGLE_CLOUD_PROJECT." })),
  location: Type.Optional(Type.String({ minLength: 1, description: "Vertex AI location (`global`, `us-central1`, …); default GOOGLE_CLOUD_LOCATION, then `global`." })),
  credentials_file: Type.Optional(
    Type.String({ minLength: 1, description: "Service-account or authorized-user JSON; default GOOGLE_APPLICATION_CREDENTIALS, then gcloud's application default credentials." }),
  ),
  base_endpoint: Type.Optional(Type.String({ minLength: 1, description: "Overrides `https://{location}-aiplatform.googleapis.com` (https; http only to loopback)." })),
  thinking_control: thinkingControlOption,
});

/** `global` has no regional host prefix. */
function vertexHost(location: string): string {
  return location === "global" ? "https://aiplatform.googleapis.com" : `https://${location}-aiplatform.googleapis.com`;
}

export function vertexMethodUrl(root: string, project: string, location: string, model: string, method: GeminiMethod): string {
  const scope = `projects/${project}/locations/${location}`;
  // A full resource name (a tuned endpoint, another publisher) is used as it is.
  const bare = bareModel(model);
  const name = bare.startsWith("projects/") ? bare : bare.includes("/") ? `${scope}/${bare}` : `${scope}/publishers/google/models/${bare}`;
  return `${root}/v1/${name}:${method}${method === "streamGenerateContent" ? "?alt=sse" : ""}`;
}

/** Credentials are read at startup when named; when none exist anywhere, attempts fail over instead. */
function bearerAuth(config: BackendConfig, env: Record<string, string | undefined>, http: UpstreamHttp): { auth: BearerAuth; credentials?: GoogleCredentials } {
  const location = findCredentials(config.credentials_file as string | undefined, env);
  if (!location) {
    const missing = (): never => {
      throw new LipError("authentication", `backend '${config.id}' has no Google credentials (set credentials_file, GOOGLE_APPLICATION_CREDENTIALS, or run gcloud auth application-default login)`, {
        status: 503,
        recoverable: true,
        code: "no_credentials",
      });
    };
    return { auth: { token: async () => missing(), invalidate: () => {}, extraHeaders: {} } };
  }
  const credentials = loadCredentials(location);
  return { auth: new GoogleTokenSource(credentials, config.id, { http }), credentials };
}

function createVertexBackend(config: BackendConfig, environment: BackendEnvironment): BackendInstance {
  const env = environment.env;
  if (config.api_key || config.api_keys?.length) throw new Error(`backends.${config.id}: vertex-gemini authenticates with Google credentials; api_key is not used`);
  const http = upstreamHttpFor(environment);
  const { auth, credentials } = bearerAuth(config, env, http);
  const project = (config.project as string | undefined) ?? (credentials?.type === "service_account" ? credentials.projectId : undefined) ?? env.GOOGLE_CLOUD_PROJECT;
  if (!project) throw new Error(`backends.${config.id}.project: required (the credentials name no project_id and GOOGLE_CLOUD_PROJECT is unset)`);
  const location = (config.location as string | undefined) ?? env.GOOGLE_CLOUD_LOCATION ?? "global";
  const root = credentialSafeUrl((config.base_endpoint as string | undefined) ?? vertexHost(location), `backends.${config.id}.base_endpoint`);
  return createGeminiInstance(config, "vertex-gemini", http, {
    url: (model, method) => vertexMethodUrl(root, project, location, model, method),
    auth: { bearer: auth },
    // Vertex's CountTokensRequest takes contents, system instruction, tools and generation config only.
    countTokensBody: (request) => {
      const { contents, systemInstruction, tools, generationConfig } = request;
      return { contents, ...(systemInstruction !== undefined && { systemInstruction }), ...(tools !== undefined && { tools }), ...(generationConfig !== undefined && { generationConfig }) };
    },
  });
}

export const vertexGeminiKind: BackendKind = {
  kind: "vertex-gemini",
  description: "Gemini on Google Cloud Vertex AI: OAuth2 from a service account or application default credentials; `project`, `location`.",
  defaultModel: defaultGeminiModel,
  options,
  create: createVertexBackend,
};
