import type { TObject } from "typebox";
import type { Logger } from "../codec.ts";
import type { Feature } from "./pipeline.ts";

/**
 * A feature in the registration table: its config key under `features:`, the schema of its
 * settings, and a factory that returns the stage handlers (or nothing when disabled).
 */
export interface FeatureDefinition {
  name: string;
  description: string;
  options: TObject;
  create(settings: Record<string, unknown> | undefined, log: Logger): Feature | undefined;
}
