/**
 * What the built-in `demo` model says: plausible, varied answers that tell a newcomer what they are
 * looking at, with no network and no model weights.
 */
const TOPICS: Array<{ match: RegExp; answer: string }> = [
  {
    match: /trac(e|ing)|span|observ|opentelemetry/i,
    answer:
      'Distributed tracing follows one request across every service it touches, recording each step as a timed span so you can see where the time and the errors went.',
  },
  {
    match: /\b(hi|hello|hey)\b/i,
    answer: 'Hello! I am the demo model built into Tollgate, answering without any provider key.',
  },
  {
    match: /joke/i,
    answer: 'Why did the gateway cross the network? To add less than a millisecond on the other side.',
  },
  {
    match: /poem|haiku/i,
    answer: 'Requests pass the gate,\ntokens counted, time recorded,\nno answer is lost.',
  },
];

const GENERAL = [
  'Here is a short answer from the demo model: a gateway sits between your application and the model providers, so it can route, retry and record every call in one place.',
  'The demo model answers locally so you can see the whole path work offline: your client, the gateway, a model, and a trace of the call with its tokens and latency.',
  'Good question. In production this request would go to a real model; here the built-in demo model answers, and Tollgate still measures it like any other call.',
];

const FOOTER = ' (Demo model: set OPENAI_API_KEY or pass --model / --config to reach a real provider.)';

/** A deterministic answer for a prompt: the same prompt always gets the same words. */
export function demoAnswer(prompt: string): string {
  const topic = TOPICS.find((t) => t.match.test(prompt));
  const body = topic?.answer ?? GENERAL[hash(prompt) % GENERAL.length];
  return `${body}${FOOTER}`;
}

/** A rough token count (about four characters a token), good enough for demo usage numbers. */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

export function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
