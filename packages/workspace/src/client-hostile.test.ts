/**
 * Tests of what client.fuzz.test.ts found, against a real HTTP server on 127.0.0.1: a connection
 * cut while the body is read must surface as a CodeLocationError, not a bare TypeError
 * ("terminated"), and a field of several MiB in an invalid answer must not make an error message
 * of several MiB.
 */
import assert from "node:assert/strict";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { CodeLocationClient, CodeLocationError } from "./index.js";

async function serve(answer: (res: ServerResponse) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const HEADERS = { "content-type": "application/json", "flyt-protocol-version": "1" };

void describe("code-location client, hostile answers", () => {
  void it("a body cut off mid-way is a CodeLocationError (UNREACHABLE), not a bare TypeError", async () => {
    const server = await serve((res) => {
      res.writeHead(200, { ...HEADERS, "content-length": "1000" });
      res.write('{"status":"LOA');
      setImmediate(() => res.destroy());
    });
    try {
      await assert.rejects(new CodeLocationClient("cut", server.url).health(), (error: unknown) => {
        assert.ok(error instanceof CodeLocationError, String(error));
        assert.equal(error.kind, "UNREACHABLE");
        assert.match(error.message, /^Code location "cut": \/v1\/health: the answer \(HTTP 200\) broke off while it was read/);
        return true;
      });
    } finally {
      await server.close();
    }
  });

  void it("an invalid answer with a multi-MiB field gives an error message of at most ~1,000 characters", async () => {
    const server = await serve((res) => res.writeHead(200, HEADERS).end(`{"status":"${"x".repeat(4 * 1024 * 1024)}"}`));
    try {
      await assert.rejects(new CodeLocationClient("huge", server.url).health(), (error: unknown) => {
        assert.ok(error instanceof CodeLocationError && error.kind === "PROTOCOL", String(error).slice(0, 300));
        assert.ok(error.message.length < 1_200, `${error.message.length} characters`);
        assert.match(error.message, /… \(\d+ characters\)$/);
        return true;
      });
    } finally {
      await server.close();
    }
  });
});
