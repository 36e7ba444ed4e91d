/**
 * The parts of the Gemini API's wire format (ai.google.dev, v1beta, JSON in camelCase) that the
 * translation reads or writes. Only what we use: the API has many more fields.
 */

export interface GeminiPart {
  text?: string;
  /** Set on parts that are the model's thought summary, not its answer. */
  thought?: boolean;
  inlineData?: { mimeType: string; data: string };
  fileData?: { fileUri: string; mimeType?: string };
  functionCall?: { id?: string; name: string; args?: Record<string, unknown> };
  functionResponse?: { name: string; response: Record<string, unknown> };
}

export interface GeminiContent {
  role?: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiCandidate {
  content?: GeminiContent;
  finishReason?: string;
  index?: number;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

export interface GeminiPromptFeedback {
  blockReason?: string;
  blockReasonMessage?: string;
}

/** One `generateContent` answer, and each `data:` event of `streamGenerateContent?alt=sse`. */
export interface GenerateContentResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: GeminiPromptFeedback;
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}
