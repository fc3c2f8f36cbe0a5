/**
 * The one registration table: every frontend (client dialect), backend kind and feature the
 * binary knows. Static imports only, so `bun build --compile` bundles all of them.
 * Adding a codec = one import and one line here.
 */
import type { BackendKind } from "./core/backend-kind.ts";
import type { FrontendCodec } from "./core/codec.ts";
import type { FeatureDefinition } from "./core/pipeline/feature-definition.ts";

export const frontends: readonly FrontendCodec[] = [];

export const backendKinds: readonly BackendKind[] = [];

export const features: readonly FeatureDefinition[] = [];
