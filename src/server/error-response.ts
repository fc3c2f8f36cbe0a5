import type { FrontendCodec } from "../core/codec.ts";
import type { CanonicalError } from "../core/model/errors.ts";

export function errorResponse(frontend: FrontendCodec | undefined, error: CanonicalError): Response {
  if (!frontend) return Response.json({ error: { message: error.message } }, { status: error.status });
  const encoded = frontend.encodeError(error);
  return Response.json(encoded.body, { status: encoded.status, headers: encoded.headers ?? {} });
}
