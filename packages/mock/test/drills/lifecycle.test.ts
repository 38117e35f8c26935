// startMock's socket contract: readiness, free ports, clean shutdown with keep-alive connections,
// a taken port, IPv6. (What needs no socket of its own is in test/options.test.ts.)
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { startMock } from "../../src/index.js";
import { PATH } from "../support.js";

/** Resolves once `port` on `host` can be bound again, i.e. nothing holds it. */
function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

const get = (url: string) => fetch(`${url}${PATH}`, { headers: { authorization: "Bearer k" } });

describe("startMock", () => {
  it("resolves ready to serve: the first request right after it succeeds", async () => {
    const mock = await startMock();
    try {
      expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await get(mock.url);
      expect(response.status).toBe(200);
      await response.body?.cancel();
    } finally {
      await mock.close();
    }
  });

  it("port 0 gives each server its own free port", async () => {
    const [a, b] = await Promise.all([startMock(), startMock({ port: 0 })]);
    try {
      expect(a.url).not.toBe(b.url);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("close() frees the port, also with a keep-alive connection open, and is idempotent", async () => {
    const mock = await startMock();
    const port = Number(new URL(mock.url).port);
    // fetch (undici) keeps the connection alive after this response.
    const response = await get(mock.url);
    await response.text();
    expect(await portIsFree(port)).toBe(false);

    await Promise.all([mock.close(), mock.close()]);
    await mock.close();
    expect(await portIsFree(port)).toBe(true);
    await expect(get(mock.url)).rejects.toThrow(TypeError); // ECONNREFUSED
  });

  it("listens on the port asked for, and says so when it is taken", async () => {
    const first = await startMock();
    const port = Number(new URL(first.url).port);
    try {
      await expect(startMock({ port })).rejects.toThrow(`Prism could not listen on 127.0.0.1:${port}`);
      await expect(startMock({ port })).rejects.toMatchObject({ code: "EADDRINUSE" });
    } finally {
      await first.close();
    }
    const again = await startMock({ port });
    try {
      expect(again.url).toBe(`http://127.0.0.1:${port}`);
    } finally {
      await again.close();
    }
  });

  it("serves IPv6 loopback with a bracketed url", async () => {
    let mock: Awaited<ReturnType<typeof startMock>>;
    try {
      mock = await startMock({ host: "::1" });
    } catch (error) {
      // A machine without IPv6 loopback cannot run this case.
      expect(String(error)).toMatch(/EADDRNOTAVAIL|EAFNOSUPPORT/);
      return;
    }
    try {
      expect(mock.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      const response = await get(mock.url);
      expect(response.status).toBe(200);
      await response.body?.cancel();
    } finally {
      await mock.close();
    }
  });
});
