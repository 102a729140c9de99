/** D80: the maintenance page records who put it on, so a page a killed run left is told from the user's. */
import { describe, expect, it } from "vitest";
import { maintenancePage } from "../../../src/deploy/maintenance.js";
import { maintenancePlanLines } from "../../../src/deploy/steps/switch.js";
import { maintenanceOwnerLine, ownerRun, pageOwner } from "../../../src/render/nginx-maintenance.js";

describe("the maintenance page's owner", () => {
  it("is a comment line of the page, read back as written", () => {
    expect(maintenanceOwnerLine("run f38ad8d591bd")).toBe("<!-- slipway maintenance owner: run f38ad8d591bd -->");
    expect(maintenancePage("shop", "run f38ad8d591bd").split("\n")[1]).toBe(
      "<!-- slipway maintenance owner: run f38ad8d591bd -->",
    );
    expect(pageOwner(maintenancePage("shop", "run f38ad8d591bd"))).toBe("run f38ad8d591bd");
    expect(pageOwner(maintenancePage("shop"))).toBe("user");
  });

  it("a page without the comment (an older Slipway's, or the user's own file) is the user's", () => {
    expect(pageOwner("<html>down</html>")).toBe("user");
  });

  it("ownerRun: the run id of a run's page, null for the user's", () => {
    expect(ownerRun("run f38ad8d591bd")).toBe("f38ad8d591bd");
    expect(ownerRun("user")).toBeNull();
  });
});

describe("the switch's plan lines about a page already on", () => {
  it("a killed run's page: a restoring rollback takes it over", () => {
    expect(maintenancePlanLines("f38ad8d591bd", true)).toEqual([
      "  maintenance page left on by killed run f38ad8d591bd: this run takes it over (off once verified)",
    ]);
  });

  it("a killed run's page under a plain deploy, and the user's page: kept on", () => {
    expect(maintenancePlanLines("f38ad8d591bd", false)).toEqual([
      "  maintenance page left on by killed run f38ad8d591bd: users keep getting the maintenance page (503) after the switch; the deploy keeps it",
      "    on (`slipway maintenance off` takes it down)",
    ]);
    expect(maintenancePlanLines(null, true)).toEqual([
      "  maintenance is on: users keep getting the maintenance page (503) after the switch; the deploy keeps it",
      "    on (`slipway maintenance off` takes it down)",
    ]);
  });
});
