/**
 * Leader election on real storage: one leader among contenders, a standby takes over after the
 * leader vanishes without releasing (as after SIGKILL) within ttl + renew, the fencing token
 * grows at each change of leader, and a clean stop hands over at once.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createTestStorage, testBackends } from "@flyt/storage/testing";
import { LeaderElector } from "./leader.js";
import { waitFor } from "./test-support.js";

for (const backend of testBackends()) {
  void describe(`leader election on ${backend}`, () => {
    void it("elects one leader; a standby takes over when the leader stops renewing", async () => {
      await using fixture = await createTestStorage(backend);
      const { storage } = fixture;
      const electors = ["a", "b", "c"].map((holder) => new LeaderElector(storage, { holder, ttlMs: 800, renewMs: 100 }));
      for (const e of electors) e.start();
      try {
        await waitFor(() => electors.some((e) => e.isLeader()), 3_000, "a leader");
        await new Promise((resolve) => setTimeout(resolve, 500));
        assert.equal(electors.filter((e) => e.isLeader()).length, 1, "exactly one leader");
        const leader = electors.find((e) => e.isLeader())!;
        const token = leader.fencingToken!;
        // Vanish without releasing: stop renewing and forget the lease, as a killed process would.
        (leader as unknown as { stopped: boolean }).stopped = true;
        const killedAt = Date.now();
        const standbys = electors.filter((e) => e !== leader);
        await waitFor(() => standbys.some((e) => e.isLeader()), 5_000, "a standby to take over");
        const takeover = Date.now() - killedAt;
        assert.ok(takeover <= 800 + 100 + 1_000, `took over in ${takeover} ms`);
        await waitFor(() => !leader.isLeader(), 2_000, "the old leader to step down locally");
        const next = standbys.find((e) => e.isLeader())!;
        assert.ok(next.fencingToken! > token, "fencing token increased");
        // A clean stop releases: the last standby leads at its next beat.
        await next.stop();
        const last = standbys.find((e) => e !== next)!;
        await waitFor(() => last.isLeader(), 2_000, "the last standby to lead after a clean stop");
      } finally {
        for (const e of electors) await e.stop();
      }
      assert.throws(() => new LeaderElector(storage, { holder: "x", ttlMs: 100, renewMs: 80 }), /at most half the ttl/);
    });
  });
}
