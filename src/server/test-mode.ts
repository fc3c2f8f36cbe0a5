import type { TestMode } from "../core/executor.ts";
import { invalidRequest } from "../core/model/errors.ts";

const header = "x-llm-proxy-test-mode";
/** For SDKs that cannot add headers (the Gemini client): `?llm_proxy_test_mode=…` on the base URL. */
const queryParam = "llm_proxy_test_mode";

/** The client's test mode, honoured only when `routing.health.test_mode` is on. */
export function requestedTestMode(request: Request, url: URL, enabled: boolean): TestMode | undefined {
  if (!enabled) return undefined;
  const value = request.headers.get(header)?.trim() || url.searchParams.get(queryParam) || undefined;
  if (value === undefined) return undefined;
  if (value === "force_degraded" || value === "force_transient_recover") return value;
  throw invalidRequest(`X-LLM-Proxy-Test-Mode must be force_degraded or force_transient_recover, got '${value}'`, "X-LLM-Proxy-Test-Mode", "invalid_test_mode");
}
