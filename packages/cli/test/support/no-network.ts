// The unit suites run `run()` on an injected fetch (test/support/io.ts): a request that reaches
// the platform's fetch is a test bug, so it fails loudly instead of opening a socket.
globalThis.fetch = () =>
  Promise.reject(new Error("CLI unit tests inject fetch (cli({ fetch })): no network"));
