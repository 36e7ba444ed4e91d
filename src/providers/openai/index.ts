/** OpenAI itself: the compatible base at api.openai.com. */
import { createOpenAiCompatible } from '../openai-compatible/provider.ts';
import { descriptor } from './descriptor.ts';

export const openAiProvider = createOpenAiCompatible({
  name: descriptor.name,
  defaultApiBase: descriptor.defaultApiBase,
  native: ['responses'],
});
