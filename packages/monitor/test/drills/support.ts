// What the monitor's drills share: the reference provider's data, output read line by line and
// waited on (never slept on), and a fault proxy in front of the provider.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { WorkflowInstance, WorkflowStatus } from "@workflows-kit/client";
import { formatTimestamp, generateInstances, type Provider, startProvider } from "@workflows-kit/provider";

export const ACCOUNT = "acme";
export const DEFINITION = "5870442f-3ddd-4657-b74c-6e17308f5230";
export const API_KEY = "sk-drill-7c6b5a4d3e2f-SECRET";
/** How long a drill waits for an event before failing: generous, for a loaded 2-core machine. */
export const EVENT_WITHIN_MS = 20_000;

/** `count` instances of DEFINITION started in the last minutes, newest first, with the given statuses. */
export function instancesNow(statuses: WorkflowStatus[], seed = 1): WorkflowInstance[] {
  const generated = generateInstances({
    seed,
    accountId: ACCOUNT,
    definitionId: DEFINITION,
    count: statuses.length,
    versions: 1,
    newest: new Date(Date.now() - 1_000),
    meanGapMs: 5_000,
  });
  return generated.map((instance, i) => {
    const status = statuses[i] as WorkflowStatus;
    const finished = status === "Complete" || status === "Terminated";
    return { ...instance, status, completedAt: finished ? formatTimestamp(Date.now(), 7) : null };
  });
}

/** The reference provider serving DEFINITION with `instances`. */
export const providerWith = (instances: WorkflowInstance[]) =>
  startProvider({
    definitions: [{ definitionId: DEFINITION, accountId: ACCOUNT, latestVersion: 1, instances }],
  });

/** Ends one of the provider's instances as Terminated, as the API would show it on the next read. */
export function terminate(provider: Provider, workflowId: string): void {
  const patch = { status: "Terminated" as const, completedAt: formatTimestamp(Date.now(), 7) };
  // With the provider's updateInstance this is: provider.updateInstance(DEFINITION, workflowId, patch).
  const [definition] = provider.definitions().filter((d) => d.definitionId === DEFINITION);
  if (!definition?.instances.some((i) => i.workflowId === workflowId))
    throw new Error(`no instance ${workflowId}`);
  provider.setDefinition({
    ...definition,
    instances: definition.instances.map((i) => (i.workflowId === workflowId ? { ...i, ...patch } : i)),
  });
}

/** Text arriving in chunks, kept as lines; `waitFor` resolves at the first line (seen or to come) that matches. */
export class Lines {
  readonly all: string[] = [];
  #partial = "";
  #waiters = new Set<() => void>();

  feed(chunk: string): void {
    const parts = (this.#partial + chunk).split("\n");
    this.#partial = parts.pop() ?? "";
    this.all.push(...parts.filter((line) => line !== ""));
    for (const wake of this.#waiters) wake();
  }

  /** Lines parsed as JSON (every line of stdout, and of stderr after startup, is one object). */
  get json(): Record<string, unknown>[] {
    return this.all.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Resolves with the first JSON line from index `from` on that matches; rejects after EVENT_WITHIN_MS. */
  waitFor(what: string, match: (line: Record<string, unknown>) => boolean, from = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.json.findIndex((line, i) => i >= from && match(line));
        if (index < 0) return;
        done();
        resolve(index);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${EVENT_WITHIN_MS} ms; lines so far:\n${this.all.join("\n")}`));
      }, EVENT_WITHIN_MS);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** A Writable that feeds these lines (in-process runs). */
  writable(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        this.feed(chunk.toString("utf8"));
        callback();
      },
    });
  }
}

export type ProxyMode = "pass" | "reset" | { status: number; retryAfterSeconds?: number };

/**
 * A loopback proxy in front of `target`: `pass` forwards, `reset` destroys the connection before
 * answering, a status answers it with the spec's error body (and Retry-After). `seen` records each
 * request's arrival time (performance.now()).
 */
export async function faultProxy(target: string) {
  const proxy = { mode: "pass" as ProxyMode, seen: [] as number[], url: "", close: async () => {} };
  const server: Server = createServer((req, res) => {
    proxy.seen.push(performance.now());
    const mode = proxy.mode;
    if (mode === "reset") {
      req.socket.destroy();
      return;
    }
    if (mode !== "pass") {
      const body = JSON.stringify({
        code: mode.status === 429 ? 1100 : 1,
        message: "Fault drill.",
        errorId: "3f2e1d0c-9b8a-4765-a4b3-c2d1e0f9a8b7",
        timestamp: "2021-07-13T01:28:37.66Z",
      });
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (mode.retryAfterSeconds !== undefined) headers["retry-after"] = String(mode.retryAfterSeconds);
      res.writeHead(mode.status, headers).end(body);
      return;
    }
    const upstream = httpRequest(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}

export type { Provider };
