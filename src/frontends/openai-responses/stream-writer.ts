/**
 * SSE framing of Responses events: `event: <type>` + `data: {type, …, sequence_number}`, with
 * sequence numbers from 0. Events accumulate until `take()`, so one canonical event may write
 * several Responses events in one chunk.
 */
export class EventWriter {
  private sequence = 0;
  private pending = "";

  emit(type: string, fields: Record<string, unknown>): void {
    this.pending += `event: ${type}\ndata: ${JSON.stringify({ type, ...fields, sequence_number: this.sequence++ })}\n\n`;
  }

  /** The hot path: a text delta is serialised without building an object. */
  textDelta(itemId: string, outputIndex: number, delta: string): void {
    this.pending += `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":"${itemId}","output_index":${outputIndex},"content_index":0,"delta":${JSON.stringify(delta)},"logprobs":[],"sequence_number":${this.sequence++}}\n\n`;
  }

  take(): string {
    const chunk = this.pending;
    this.pending = "";
    return chunk;
  }
}
