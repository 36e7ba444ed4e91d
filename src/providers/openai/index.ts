/** OpenAI itself: the compatible base at api.openai.com. */
import { createOpenAiCompatible } from '../openai-compatible/provider.ts';

export const openAiProvider = createOpenAiCompatible({
  name: 'openai',
  defaultApiBase: 'https://api.openai.com/v1',
});
