import { describe, expect, it } from "vitest";
import { commandModules } from "../../../src/cli/index.js";
import { discoverCommands } from "../../../src/cli/main.js";

describe("the bundled CLI", () => {
  it("registers every command file that the development CLI discovers", async () => {
    const discovered = await discoverCommands();
    expect(new Set(commandModules.map((m) => m.register))).toEqual(new Set(discovered.map((m) => m.register)));
  });
});
