/**
 * The slice of the Gemini REST wire format (generativelanguage v1beta and Vertex AI v1 share
 * it) that the codec reads and writes. Response fields are optional: the API omits empty ones.
 */

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  /** Base64 of opaque bytes; echoed back unchanged on the part it came with. */
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: { name: string; args?: Record<string, unknown>; id?: string };
  functionResponse?: { name: string; id?: string; response: Record<string, unknown> };
  executableCode?: { language?: string; code?: string };
  codeExecutionResult?: { outcome?: string; output?: string };
  [key: string]: unknown;
}

export interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  cachedContentTokenCount?: number;
  candidatesTokenCount?: number;
  toolUsePromptTokenCount?: number;
  thoughtsTokenCount?: number;
  totalTokenCount?: number;
}

export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
  finishMessage?: string;
  index?: number;
}

/** One `data:` line of `:streamGenerateContent?alt=sse`, or the whole `:generateContent` answer. */
export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  /** A failure reported inside a 200 stream. */
  error?: GeminiErrorBody;
}

/** `{"error": {…}}`: google.rpc.Status as JSON. */
export interface GeminiErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: Array<Record<string, unknown>>;
}

/** The provider family name carried on signatures this codec mints and accepts. */
export const geminiDialect = "gemini";
