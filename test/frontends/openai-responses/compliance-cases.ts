/**
 * The request bodies of the OpenResponses compliance suite (openresponses/openresponses,
 * `src/lib/compliance-tests.ts`), as its versions publish them, and which semantic validators
 * each case runs. The suite sends `{...body, stream}` with the model it is given.
 *
 * Versions: the first release has basic-response, streaming-response, system-prompt,
 * tool-calling, image-input (remote URL) and multi-turn; later ones move image-input to a data
 * URL and add tool-calling-streaming, or streaming-tool-call with a named tool_choice and the
 * stream-order validator, or file-input, previous-response-id and function-call-roundtrip.
 * Every case of every version is here; the two that need `previous_response_id` are multi-step
 * (`chainedCases`).
 */
export type Validator = "hasOutput" | "completedStatus" | "hasFunctionCall" | "functionCallEvents" | "streamOrder";

export interface ComplianceCase {
  id: string;
  streaming: boolean;
  body: (model: string) => Record<string, unknown>;
  validators: Validator[];
}

const weatherTool = {
  type: "function",
  name: "get_weather",
  description: "Get the current weather for a location",
  parameters: {
    type: "object",
    properties: { location: { type: "string", description: "The city and state, e.g. San Francisco, CA" } },
    required: ["location"],
  },
};

const weatherQuestion = [{ type: "message", role: "user", content: "What's the weather like in San Francisco?" }];

/** The suite's 32x32 PNG (a red heart on white). */
const heartPng =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAIAAAD8GO2jAAABmklEQVR42tyWAaTyUBzFew/eG4AHz+MBSAHKBiJRGFKwIgQQJKLUIioBIhCAiCAAEizAQIAECaASqFFJq84nudjnaqvuPnxzgP9xfrq5938csPn7PwHTKSoViCIEAYEAMhmoKsU2mUCWEQqB5xEMIp/HaGQG2G6RSuH9HQ7H34rFrtPbdz4jl6PbwmEsl3QA1mt4vcRKk8dz9eg6IpF7tt9fzGY0gCgafFRFo5Blc5vLhf3eCOj1yNhM5GRMVK0aATxPZoz09YXjkQDmczJgquGQAPp9WwCNBgG027YACgUC6HRsAZRKBDAY2AJoNv/ZnwzA6WScznG3p4UAymXGAEkyXrTFAh8fLAGqagQAyGaZpYsi7bHTNPz8MEj//LxuFPo+UBS8vb0KaLXubrRa7aX0RMLCykwmn0z3+XA4WACcTpCkh9MFAZpmuVXo+mO/w+/HZvNgbblcUCxaSo/Hyck80Yu6XXDcvfVZr79cvMZjuN2U9O9vKAqjZrfbIZ0mV4TUi9Xqz6jddNy//7+e3n8Fhf/Llo2kxi8AQyGRoDkmAhAAAAAASUVORK5CYII=";

/** The suite's one-page PDF titled "OpenResponses File Input Fixture". */
const fixturePdf =
  "data:application/pdf;base64,JVBERi0xLjEKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFszIDAgUl0gL0NvdW50IDEgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCAzMDAgMTQ0XSAvQ29udGVudHMgNCAwIFIgL1Jlc291cmNlcyA8PCAvRm9udCA8PCAvRjEgNSAwIFIgPj4gPj4gPj4KZW5kb2JqCjQgMCBvYmoKPDwgL0xlbmd0aCA3NCA+PgpzdHJlYW0KQlQKL0YxIDEyIFRmCjcyIDcyIFRkCihUaXRsZTogT3BlblJlc3BvbnNlcyBGaWxlIElucHV0IEZpeHR1cmUpIFRqCkVUCmVuZHN0cmVhbQplbmRvYmoKNSAwIG9iago8PCAvVHlwZSAvRm9udCAvU3VidHlwZSAvVHlwZTEgL0Jhc2VGb250IC9IZWx2ZXRpY2EgPj4KZW5kb2JqCnRyYWlsZXIKPDwgL1Jvb3QgMSAwIFIgPj4KJSVFT0Y=";

function imageInput(model: string, imageUrl: string) {
  return {
    model,
    input: [
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "What do you see in this image? Answer in one sentence." },
          { type: "input_image", image_url: imageUrl },
        ],
      },
    ],
  };
}

export const complianceCases: ComplianceCase[] = [
  {
    id: "basic-response",
    streaming: false,
    body: (model) => ({ model, input: [{ type: "message", role: "user", content: "Say hello in exactly 3 words." }] }),
    validators: ["hasOutput", "completedStatus"],
  },
  {
    id: "streaming-response",
    streaming: true,
    body: (model) => ({ model, input: [{ type: "message", role: "user", content: "Count from 1 to 5." }] }),
    validators: ["streamOrder", "completedStatus"],
  },
  {
    id: "system-prompt",
    streaming: false,
    body: (model) => ({
      model,
      input: [
        { type: "message", role: "system", content: "You are a pirate. Always respond in pirate speak." },
        { type: "message", role: "user", content: "Say hello." },
      ],
    }),
    validators: ["hasOutput", "completedStatus"],
  },
  {
    id: "tool-calling",
    streaming: false,
    body: (model) => ({ model, input: weatherQuestion, tools: [weatherTool] }),
    validators: ["hasOutput", "hasFunctionCall"],
  },
  {
    id: "tool-calling-streaming",
    streaming: true,
    body: (model) => ({ model, input: weatherQuestion, tools: [weatherTool] }),
    validators: ["functionCallEvents", "streamOrder"],
  },
  {
    id: "streaming-tool-call",
    streaming: true,
    body: (model) => ({ model, input: weatherQuestion, tools: [weatherTool], tool_choice: { type: "function", name: "get_weather" } }),
    validators: ["streamOrder", "hasFunctionCall"],
  },
  { id: "image-input", streaming: false, body: (model) => imageInput(model, heartPng), validators: ["hasOutput", "completedStatus"] },
  {
    id: "image-input (first release: remote URL)",
    streaming: false,
    body: (model) => imageInput(model, "https://www.google.com/images/branding/googlelogo/2x/googlelogo_color_272x92dp.png"),
    validators: ["hasOutput", "completedStatus"],
  },
  {
    id: "file-input",
    streaming: false,
    body: (model) => ({
      model,
      input: [
        {
          type: "message",
          role: "user",
          content: [
            { type: "input_text", text: "Read the attached file and answer with its title only." },
            { type: "input_file", filename: "openresponses-fixture.pdf", file_data: fixturePdf },
          ],
        },
      ],
    }),
    validators: ["hasOutput", "completedStatus"],
  },
  {
    id: "multi-turn",
    streaming: false,
    body: (model) => ({
      model,
      input: [
        { type: "message", role: "user", content: "My name is Alice." },
        { type: "message", role: "assistant", content: "Hello Alice! Nice to meet you. How can I help you today?" },
        { type: "message", role: "user", content: "What is my name?" },
      ],
    }),
    validators: ["hasOutput", "completedStatus"],
  },
];

/**
 * The two cases that chain a second request to the first by `previous_response_id` (both
 * non-streaming; the suite checks the second response with hasOutput and completedStatus).
 * `second` returns undefined when the first response lacks what the suite needs from it.
 */
export interface ChainedCase {
  id: string;
  first: (model: string) => Record<string, unknown>;
  second: (model: string, first: Record<string, any>) => Record<string, unknown> | undefined;
}

export const chainedCases: ChainedCase[] = [
  {
    id: "previous-response-id",
    first: (model) => ({ model, input: "Remember this code word: papaya. Reply with only OK." }),
    second: (model, first) => ({ model, previous_response_id: first.id, input: "What code word did I ask you to remember?" }),
  },
  {
    id: "function-call-roundtrip",
    first: (model) => ({
      model,
      input: "Use the weather tool to get the temperature in San Francisco.",
      tools: [weatherTool],
      tool_choice: { type: "function", name: "get_weather" },
    }),
    second: (model, first) => {
      const call = first.output?.find((item: Record<string, unknown>) => item.type === "function_call");
      if (!call || !("call_id" in call)) return undefined;
      return { model, previous_response_id: first.id, input: [{ type: "function_call_output", call_id: call.call_id, output: "64 degrees and clear" }] };
    },
  },
];
