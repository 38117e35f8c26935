export * from "./git.js";
export * from "./plan.js";
export * from "./publish.js";
