import { describe, expect, it } from "vitest";
import { SlipwayError } from "../../../src/errors.js";
import { strictView } from "../../../src/render/handlebars.js";

describe("strictView", () => {
  it("lets defined keys through, including null and false", () => {
    const view = strictView({ a: null, b: false, list: [{ c: 1 }] });
    expect(view.a).toBeNull();
    expect(view.b).toBe(false);
    expect(view.list[0]?.c).toBe(1);
  });

  it("throws on a key the view does not define, naming its path", () => {
    const view = strictView({ list: [{ c: 1 }] }) as unknown as { list: Array<Record<string, unknown>> };
    expect(() => view.list[0]?.missing).toThrow("the template reads view.list[0].missing");
  });

  it("is what renderTemplate uses: a SlipwayError names the template", async () => {
    const { renderTemplate } = await import("../../../src/render/handlebars.js");
    expect(() =>
      renderTemplate("nginx/upstream.conf.hbs", { app: "a", service: "b", name: "a_b", servers: [] }),
    ).toThrow(SlipwayError);
  });

  it("fails on a variable the view lacks instead of rendering it empty (strict mode)", async () => {
    const { renderTemplate } = await import("../../../src/render/handlebars.js");
    expect(() =>
      renderTemplate("nginx/upstream.conf.hbs", { app: "a", service: "b", servers: [], keepalive: null }),
    ).toThrow(/view\.name|"name" not defined/);
  });

  it("does not HTML-escape: values reach the file exactly as the view holds them", async () => {
    const { renderTemplate } = await import("../../../src/render/handlebars.js");
    const raw = `127.0.0.1:80 weight=2 <&> "q" 'a' \`b\``;
    const out = renderTemplate("nginx/upstream.conf.hbs", {
      app: "a",
      service: "b",
      name: "a_b",
      servers: [raw],
      keepalive: null,
    });
    expect(out).toContain(`    server ${raw};\n`);
  });
});
