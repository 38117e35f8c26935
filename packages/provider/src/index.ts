export {
  type Definition,
  formatTimestamp,
  type GenerateOptions,
  generateDataset,
  generateInstances,
  seededRandom,
  seededUuid,
} from "./dataset.js";
export { type Provider, type ProviderOptions, type RecordedRequest, startProvider } from "./server.js";
