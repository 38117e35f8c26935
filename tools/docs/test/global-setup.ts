// Finds or unpacks the browser once, before any test file: the first unpack of @sparticuz/chromium takes
// up to ~25 s on a busy machine, and globalSetup has no timeout, so no hook or test pays for it.
import type { TestProject } from "vitest/node";
import { type BrowserSpec, resolveBrowser } from "./browser.js";

declare module "vitest" {
  export interface ProvidedContext {
    browser: BrowserSpec;
  }
}

export default async function setup(project: TestProject) {
  const started = performance.now();
  const browser = await resolveBrowser();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `docs render test: headless Chromium from ${browser.source} (${browser.executablePath}, ${seconds} s)`,
  );
  project.provide("browser", browser);
}
