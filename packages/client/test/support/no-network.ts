// Unit tests inject their fetch: a call that reaches the platform's fetch is a test bug (and a
// socket), so it fails loudly instead of trying the network.
globalThis.fetch = () =>
  Promise.reject(new Error("unit tests inject fetch (createObservedFetch): no network"));
