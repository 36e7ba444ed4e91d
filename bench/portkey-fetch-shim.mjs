// Preloaded into the Portkey gateway for the benchmark only (node --import). Portkey 1.15 edits the
// headers of the Response that fetch() returns, which Node makes immutable, so every streamed request
// fails with `TypeError: immutable` (its issues #1389/#1550). Re-wrapping the Response gives it mutable
// headers and changes nothing else.
const original = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const res = await original(...args);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers });
};
