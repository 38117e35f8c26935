// The stage of a fault drill: the reference provider with a data set, and the fault server in front.
import type { WorkflowInstance } from "@workflows-kit/types";
import { type FaultPlan, type FaultServer, startFaultServer } from "./faults.js";

/** The ids every drill uses (the client's and the CLI's). */
export const drillIds = { accountId: "acme", definitionId: "5870442f-3ddd-4657-b74c-6e17308f5230" } as const;

/**
 * Added to every upper time bound: drills must hold on a loaded 2-core machine (turbo runs several
 * suites at once), yet a drill that waits for a default 30 s timeout or a 120 s Retry-After still
 * fails, since every drill sets its own bounds far below that.
 */
export const SLACK_MS = 15_000;
/** Timers never fire early, but performance.now() and timer rounding can differ by a millisecond or so. */
export const EARLY_MS = 15;

/** What a drill uses of the reference provider; no package dependency, as the provider's own drills use this one. */
export interface DrillProvider {
  url: string;
  definitions(): { instances: WorkflowInstance[] }[];
  insertInstances(definitionId: string, instances: WorkflowInstance[]): void;
  close(): Promise<void>;
}

/** The parts of `@workflows-kit/provider` a stage needs: pass `import * as reference from "@workflows-kit/provider"`. */
export interface ProviderModule {
  startProvider(options: {
    definitions: { accountId: string; definitionId: string; instances: WorkflowInstance[] }[];
  }): Promise<DrillProvider>;
  generateInstances(options: {
    seed: number;
    accountId: string;
    definitionId: string;
    count: number;
    versions: number;
  }): WorkflowInstance[];
}

export interface StageOptions {
  /** Instances the provider serves (one version, so all are visible without `version`). */
  size: number;
  /** A fresh plan for each run, with the lower time bound it implies (known only once it ran). */
  setup: () => { plan: FaultPlan; minMs?: () => number };
}

export interface Staged {
  provider: DrillProvider;
  faults: FaultServer;
  /** The provider's list, newest first, as it serves it. */
  data: WorkflowInstance[];
  minMs: () => number;
  close(): Promise<void>;
}

/** Starts the provider with the drill's data (seed 11, `drillIds`) and the fault server in front of it. */
export async function stage(drill: StageOptions, reference: ProviderModule): Promise<Staged> {
  const instances = reference.generateInstances({ seed: 11, ...drillIds, count: drill.size, versions: 1 });
  const provider = await reference.startProvider({ definitions: [{ ...drillIds, instances }] });
  const { plan, minMs = () => 0 } = drill.setup();
  const faults = await startFaultServer({ upstream: provider.url, plan });
  const data = provider.definitions()[0]?.instances ?? [];
  return {
    provider,
    faults,
    data,
    minMs,
    async close() {
      await faults.close();
      await provider.close();
    },
  };
}

/** Pages reordered the way a server with its own idea of order might: stable across requests. */
export function reordered(data: WorkflowInstance[], pageSize: number): WorkflowInstance[] {
  const out = [...data];
  // Across page boundaries: the last instance of each page swaps with the first of the next.
  for (let at = pageSize; at < out.length; at += pageSize) {
    [out[at - 1], out[at]] = [out[at] as WorkflowInstance, out[at - 1] as WorkflowInstance];
  }
  // Within each page: reversed (the newest instance stays on the first page, so the pin holds).
  const pages: WorkflowInstance[] = [];
  for (let at = 0; at < out.length; at += pageSize) pages.push(...out.slice(at, at + pageSize).reverse());
  return pages;
}
