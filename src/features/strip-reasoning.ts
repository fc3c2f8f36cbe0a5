import { Type } from "typebox";
import type { CanonicalEvent } from "../core/model/events.ts";
import type { FeatureDefinition } from "../core/pipeline/feature-definition.ts";
import type { RequestContext } from "../core/pipeline/pipeline.ts";

const options = Type.Object({
  enabled: Type.Optional(Type.Boolean({ default: false })),
});

const stateKey = "strip_reasoning";

/**
 * stream_event_mutation: removes reasoning blocks from responses for clients that cannot show
 * them, and renumbers the remaining blocks so the stream stays well-formed (indices contiguous).
 */
export const stripReasoningFeature: FeatureDefinition = {
  name: "strip_reasoning",
  description: "Drop reasoning/thinking blocks from responses (indices renumbered).",
  options,
  create(settings) {
    if (settings?.enabled !== true) return undefined;
    return {
      name: "strip_reasoning",
      handlers: {
        stream_event_mutation(event: CanonicalEvent, context: RequestContext) {
          let state = context.state.get(stateKey) as { removed: Set<number> } | undefined;
          if (!state) {
            state = { removed: new Set() };
            context.state.set(stateKey, state);
          }
          if (event.type === "reasoning_delta" || event.type === "reasoning_signature_delta") {
            state.removed.add(event.index);
            return null;
          }
          if (!("index" in event) || state.removed.size === 0) return undefined;
          let shift = 0;
          for (const removed of state.removed) if (removed < event.index) shift++;
          return shift === 0 ? undefined : { ...event, index: event.index - shift };
        },
      },
    };
  },
};
