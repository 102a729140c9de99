import { describe, expect, it } from "vitest";
import { evalCondition, renderDeep, renderString } from "../../../src/engine/expr/template.js";

const scope = {
  app: { name: "shop", ports: [8001, 8002] },
  env: "prod",
  empty: "",
  result: { changed: true, failed: false, stdout: "ok\n" },
  list: ["b", "a", "b"],
};

describe("templates", () => {
  it.each([
    ["{{ app.name }}", "shop"],
    ["{{ app.ports }}", [8001, 8002]],
    ["{{ app.ports[1] }}", 8002],
    ["port {{ app.ports[0] }}", "port 8001"],
    ["{{ missing | default('x') }}", "x"],
    ["{{ empty | default('y', true) }}", "y"],
    ["{{ app.name | upper }}-{{ env }}", "SHOP-prod"],
    ["{{ list | unique | sort | join(',') }}", "a,b"],
    ["{{ app.ports | difference([8001, 9000]) }}", [8002]],
    ["{{ app.ports | length }}", 2],
    ["{{ 'a' ~ 1 + 2 }}", "a3"],
    ["{{ 'x' if env == 'prod' else 'y' }}", "x"],
    ["{{ app.name | quote }}", "shop"],
    ['{{ "it\'s" | quote }}', "'it'\\''s'"],
  ])("%s", (template, expected) => {
    expect(renderString(template, scope)).toEqual(expected);
  });

  it("renders nested structures and leaves other values alone", () => {
    expect(renderDeep({ a: ["{{ env }}", 3, true], b: { c: "{{ app.ports[0] }}" } }, scope)).toEqual({
      a: ["prod", 3, true],
      b: { c: 8001 },
    });
  });

  it("refuses undefined variables and unknown filters", () => {
    expect(() => renderString("{{ nope.x }}", scope)).toThrow('"nope.x" is undefined');
    expect(() => renderString("{{ env | exec }}", scope)).toThrow('unknown filter "exec"');
    expect(() => renderString("{{ env.constructor }}", scope)).toThrow('"env.constructor" is undefined');
  });
});

describe("conditions", () => {
  it.each([
    ["env == 'prod'", true],
    ["env != 'prod' or app.ports | length > 1", true],
    ["not (env in ['dev', 'test'])", true],
    ["'shop' in app.name", true],
    ["8003 not in app.ports", true],
    ["missing is defined", false],
    ["missing is not defined and result is changed", true],
    ["result is failed", false],
    ["result.stdout | trim == 'ok'", true],
    ["{{ env == 'prod' }}", true],
    ["empty", false],
  ])("%s", (condition, expected) => {
    expect(evalCondition(condition, scope)).toBe(expected);
  });
});
