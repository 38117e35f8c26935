// The bin's default key, for the commands that run against `workflows-provider`.
export { DEMO_API_KEY } from "./cli.js";
export {
  type Definition,
  formatTimestamp,
  type GenerateOptions,
  generateDataset,
  generateInstances,
  seededRandom,
  seededUuid,
} from "./dataset.js";
export { createProviderFetch, type ProviderFetch } from "./fetch.js";
export {
  createProviderHandler,
  type ProviderHandler,
  type ProviderRequest,
  type ProviderResponse,
} from "./handler.js";
export { type Provider, type ProviderOptions, startProvider } from "./server.js";
export {
  type Answer,
  type ErrorAnswer,
  type Fault,
  type ListRequest,
  type PageAnswer,
  type ProviderState,
  ProviderStore,
  type RecordedRequest,
  type StoreOptions,
} from "./store.js";
