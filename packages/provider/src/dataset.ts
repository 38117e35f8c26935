import type { WorkflowInstance, WorkflowStatus } from "@workflows-kit/types";

/** A workflow definition the provider knows, with its instances in any order. */
export interface Definition {
  definitionId: string;
  accountId: string;
  /** Defaults to the highest version among the instances (1 when there are none). */
  latestVersion?: number;
  instances: WorkflowInstance[];
}

/** Deterministic PRNG (mulberry32): the same seed gives the same data set on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const hex = (random: () => number, length: number) =>
  Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join("");

/** A random version-4 UUID from the seeded PRNG. */
export function seededUuid(random: () => number): string {
  const variant = "89ab"[Math.floor(random() * 4)];
  return `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-${variant}${hex(random, 3)}-${hex(random, 12)}`;
}

/** Formats milliseconds plus extra 100 ns ticks as 8x8 does: `…:39.3857479Z`, with `digits` fractional digits. */
export function formatTimestamp(millis: number, digits: number, extraTicks = 0): string {
  const iso = new Date(Math.floor(millis)).toISOString();
  const fraction = `${iso.slice(20, 23)}${String(extraTicks).padStart(4, "0")}`.slice(0, digits);
  return `${iso.slice(0, 19)}${digits > 0 ? `.${fraction}` : ""}Z`;
}

const STATUS_WEIGHTS: [WorkflowStatus, number][] = [
  ["Complete", 0.7],
  ["Terminated", 0.1],
  ["Runnable", 0.15],
  ["Suspended", 0.05],
];

function pickStatus(random: () => number): WorkflowStatus {
  let roll = random();
  for (const [status, weight] of STATUS_WEIGHTS) {
    roll -= weight;
    if (roll < 0) return status;
  }
  return "Complete";
}

export interface GenerateOptions {
  seed?: number;
  accountId?: string;
  definitionId?: string;
  count: number;
  /** Versions 1..versions, older instances on older versions. */
  versions?: number;
  /** startedAt of the newest instance; older ones go back from there. */
  newest?: Date;
  /** Mean gap between two starts. */
  meanGapMs?: number;
}

/** Realistic instances of one definition, newest first: statuses, versions, 2–7-digit timestamps, payloads. */
export function generateInstances(options: GenerateOptions): WorkflowInstance[] {
  const random = seededRandom(options.seed ?? 1);
  const accountId = options.accountId ?? "demo-account";
  const definitionId = options.definitionId ?? seededUuid(random);
  const versions = options.versions ?? 3;
  const meanGap = options.meanGapMs ?? 90_000;
  let started = (options.newest ?? new Date("2026-11-01T12:00:00Z")).getTime();
  const instances: WorkflowInstance[] = [];
  for (let i = 0; i < options.count; i++) {
    const status = pickStatus(random);
    const version = Math.max(1, versions - Math.floor((i * versions) / options.count));
    const triggered = started - 50 - random() * 200;
    const duration = 500 + random() * 120_000;
    const digits = 2 + Math.floor(random() * 6);
    const withSubAccount = random() < 0.6;
    instances.push({
      workflowId: `${Math.floor(started / 1000)
        .toString(16)
        .padStart(8, "0")}${hex(random, 16)}`,
      data: {
        payload: {
          umid: seededUuid(random),
          user: { channelUserId: `user_${Math.floor(random() * 500)}`, name: `User ${i % 97}` },
          content: { text: `Message ${i}` },
        },
        accountId,
        ...(withSubAccount ? { subAccountId: `${accountId}_sub${Math.floor(random() * 3)}` } : {}),
        triggeredAt: formatTimestamp(triggered, 7, Math.floor(random() * 10_000)),
      },
      definitionId,
      version,
      status,
      startedAt: formatTimestamp(started, digits, Math.floor(random() * 10_000)),
      completedAt:
        status === "Complete" || status === "Terminated"
          ? formatTimestamp(started + duration, 2 + Math.floor(random() * 6))
          : null,
    });
    started -= 1 + Math.floor(random() * 2 * meanGap);
  }
  return instances;
}

/** A demo data set: several definitions of one account, thousands of instances in all. */
export function generateDataset(
  seed = 1,
  accountId = "demo-account",
  sizes = [2_500, 1_200, 0],
): Definition[] {
  const random = seededRandom(seed);
  return sizes.map((count, index) => {
    const definitionId = seededUuid(random);
    return {
      definitionId,
      accountId,
      instances: generateInstances({
        seed: seed * 1000 + index,
        accountId,
        definitionId,
        count,
        versions: 3,
      }),
      ...(count === 0 ? { latestVersion: 1 } : {}),
    };
  });
}
