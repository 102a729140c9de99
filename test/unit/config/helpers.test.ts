import { describe, expect, it } from "vitest";
import { parseYamlWithPositions, pathKey } from "../../../src/config/yaml-positions.js";
import { didYouMean, editDistance, snakeCase } from "../../../src/suggest.js";

describe("did you mean", () => {
  it("measures edits, counting a swap of neighbours as one", () => {
    expect(editDistance("health", "health")).toBe(0);
    expect(editDistance("helth", "health")).toBe(1);
    expect(editDistance("heatlh", "health")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("suggests close keys, abbreviations and snake_case spellings; nothing for unrelated words", () => {
    const keys = ["health", "port", "base_path", "production"];
    expect(didYouMean("helth", keys)).toBe("health");
    expect(didYouMean("basePath", keys)).toBe("base_path");
    expect(didYouMean("base-path", keys)).toBe("base_path");
    expect(didYouMean("prod", keys)).toBe("production");
    expect(didYouMean("healthcheck", keys)).toBe("health");
    expect(didYouMean("ports", keys)).toBe("port");
    expect(didYouMean("kubernetes", keys)).toBeUndefined();
    expect(snakeCase("clientMaxBodySize")).toBe("client_max_body_size");
  });
});

describe("YAML positions", () => {
  it("records 1-based line:col of keys and values, through lists", () => {
    const { positions, problems } = parseYamlWithPositions("a:\n  b: 1\n  list:\n    - x\n    - y: 2\n");
    expect(problems).toEqual([]);
    expect(positions.get(pathKey(["a", "b"]))).toMatchObject({ key: { line: 2, col: 3 }, value: { line: 2, col: 6 } });
    expect(positions.get(pathKey(["a", "list", 1, "y"]))).toMatchObject({ value: { line: 5, col: 10 } });
  });

  it("maps merge-key entries to the anchor, explicit keys to themselves", () => {
    const { value, positions } = parseYamlWithPositions("base: &b\n  p: 1\n  q: 2\nthing:\n  <<: *b\n  q: 3\n");
    expect(value).toEqual({ base: { p: 1, q: 2 }, thing: { p: 1, q: 3 } });
    expect(positions.get(pathKey(["thing", "p"]))?.value).toEqual({ line: 2, col: 6 });
    expect(positions.get(pathKey(["thing", "q"]))?.value).toEqual({ line: 6, col: 6 });
  });

  it("reports syntax errors with their position", () => {
    const { problems } = parseYamlWithPositions("a: [1, 2\nb: 3\n");
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.position.line).toBeGreaterThan(0);
  });
});

describe("didYouMeanText (playbook keywords and module names use the config's matcher)", () => {
  it("appends the suggestion, or nothing", async () => {
    const { didYouMeanText } = await import("../../../src/suggest.js");
    expect(didYouMeanText("comand", ["command", "copy"])).toBe(', did you mean "command"?');
    expect(didYouMeanText("become-user", ["become_user"])).toBe(', did you mean "become_user"?');
    expect(didYouMeanText("zzz", ["command"])).toBe("");
  });
});
