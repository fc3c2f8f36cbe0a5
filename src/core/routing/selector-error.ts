import { LipError } from "../model/errors.ts";

/** The one error the selector parser throws: it names what is wrong and where. */
export function invalidSelector(message: string, position?: number): LipError {
  const where = position === undefined ? "" : ` at position ${position}`;
  return new LipError("invalid_request", `invalid route selector: ${message}${where}`, { code: "invalid_route_selector" });
}
