/**
 * `proxy.switch` from socket to reload between deploys: the reload that leaves the socket switch keeps the colors'
 * listeners (nginx's old workers still reach them through the links), and the links go only after it, at retire.
 */
import { describe, expect, it } from "vitest";
import { nginxReload } from "../../../src/commands/nginx.js";
import { switchTo } from "../../../src/deploy/nginx.js";
import { dropSocketLinks, socketLinksLeft } from "../../../src/deploy/socket-links.js";
import { FakeHost } from "../engine/fake-host.js";
import { configWith } from "../render/from-config/config.js";

const SITE = "/etc/nginx/conf.d/slipway-shop.conf";
const one = { routes: [{ path: "/", service: "web" }], domains: ["shop.example.com"] };
const reload = configWith({ proxy: { ...one, switch: "reload" } });

function socketHost(): FakeHost {
  const host = new FakeHost("t1");
  for (const variant of ["", ".preview"])
    host.files.set(`/etc/nginx/slipway/shop-web${variant}.sock`, {
      kind: "link",
      mode: "0777",
      owner: "root",
      group: "root",
      target: "/run/slipway/shop-web-blue.sock",
    });
  return host;
}

describe("proxy.switch socket -> reload: new config and reload first, the links after", () => {
  it("installs the reload site with the listeners kept, reloads, and removes the links only at retire", async () => {
    const host = socketHost();
    await switchTo(host, reload, "green");
    await dropSocketLinks(host, reload);
    const ran = host.ran.filter((c) => !c.startsWith("<putFile>") || !c.endsWith(".slipway-prev"));
    expect(ran).toEqual([
      "test -L /etc/nginx/slipway/shop-web.sock",
      "test -L /etc/nginx/slipway/shop-web.preview.sock",
      "mkdir -p -- /etc/nginx/slipway /var/www/slipway-acme /run/slipway",
      "mkdir -p -- /etc/systemd/system/nginx.service.d",
      "<putFile> /etc/tmpfiles.d/slipway-run-slipway.conf",
      "<putFile> /etc/systemd/system/nginx.service.d/slipway-sockets.conf",
      "systemctl daemon-reload",
      "<putFile> /etc/nginx/slipway/shop-web.upstream.conf",
      "<putFile> /etc/nginx/slipway/shop-web.preview.upstream.conf",
      "<putFile> /etc/nginx/slipway/shop-web.blue.upstream.conf",
      "<putFile> /etc/nginx/slipway/shop-web.green.upstream.conf",
      `<putFile> ${SITE}`,
      "nginx -t",
      nginxReload().argv.join(" "),
      "rm -f -- /etc/nginx/slipway/shop-web.sock /etc/nginx/slipway/shop-web.preview.sock",
    ]);
    const site = host.files.get(SITE)?.content ?? "";
    // The public upstream names the color's port (reload); the listeners the old workers reach stay.
    expect(host.files.get("/etc/nginx/slipway/shop-web.upstream.conf")?.content).toContain("server 127.0.0.1:");
    expect(site).toContain("listen unix:/run/slipway/shop-web-blue.sock");
    expect(await socketLinksLeft(host, reload)).toEqual([]);
  });

  it("the next deploy (no link left) renders no listener: its reload drops them", async () => {
    const host = new FakeHost("t1");
    await switchTo(host, reload, "blue");
    expect(host.files.get(SITE)?.content ?? "").not.toContain("unix:/run/slipway/");
    expect(await dropSocketLinks(host, reload)).toEqual([]);
    expect(host.ran.filter((c) => c.startsWith("rm "))).toEqual([]);
  });
});
