/**
 * What prepareHost asks once the host's state is read (src/deploy/prepare-looks.ts): a re-deploy of the release the
 * records name as live takes no lock and starts no privilege probe; a run that changes the host takes the lock at once.
 */
import { describe, expect, it } from "vitest";
import { lockLook, probesPrivilege } from "../../../src/deploy/prepare-looks.js";

const run = { plan: true, lockAhead: true, check: false };
const changes = { live: true, sameOnRecord: false };
const same = { live: true, sameOnRecord: true };
const first = { live: false, sameOnRecord: false };

describe("lockLook", () => {
  it("a plan a run follows: decided by the state; taken only when a live host will change", () => {
    expect(lockLook(run, null)).toBe("after-state");
    expect([lockLook(run, changes), lockLook(run, same), lockLook(run, first)]).toEqual(["take", "look", "look"]);
  });

  it("check mode asks nothing; a run without a plan, or a plan that takes no lock ahead, looks at once", () => {
    const check = { ...run, check: true };
    expect([lockLook(check, null), lockLook(check, changes)]).toEqual(["none", "none"]);
    expect([lockLook({ check: false }, null), lockLook({ check: false }, changes)]).toEqual(["look", "look"]);
    const split = { plan: true, lockAhead: false, check: false };
    expect([lockLook(split, null), lockLook(split, changes)]).toEqual(["look", "look"]);
    expect(lockLook({ lockAhead: true, check: false }, changes)).toBe("look");
  });
});

describe("probesPrivilege", () => {
  it("a plan probes unless the records name the release asked for as live; no plan, no probe", () => {
    expect([probesPrivilege(run, changes), probesPrivilege(run, first), probesPrivilege(run, same)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(probesPrivilege({ plan: true, lockAhead: false }, changes)).toBe(true);
    expect(probesPrivilege({}, changes)).toBe(false);
  });
});
