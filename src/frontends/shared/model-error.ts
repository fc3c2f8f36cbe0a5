import { LipError } from "../../core/model/errors.ts";

/**
 * A model that stopped with an error (Gemini's MALFORMED_FUNCTION_CALL, Bedrock's malformed_*):
 * dialects with no finish value for it report it as this error, so a client never takes it for
 * a finished (often empty) answer.
 */
export function modelStopError(rawFinishReason: string | undefined): LipError {
  return new LipError("upstream", `the model stopped with an error${rawFinishReason ? ` (${rawFinishReason})` : ""}`, {
    status: 502,
    code: "model_error",
    recoverable: false,
  });
}
