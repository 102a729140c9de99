import { describe, expect, it } from "vitest";
import type { CorsModel, NginxSiteModel } from "../../../src/render/model.js";
import { renderNginxSite } from "../../../src/render/nginx.js";
import { nginxScenarios } from "./scenarios.js";

const cors = (origins: string[]): CorsModel => ({ origins, methods: ["GET", "OPTIONS"], headers: [] });

function siteWith(corsA: CorsModel, corsB: CorsModel): NginxSiteModel {
  const model = structuredClone(nginxScenarios["same-domain-api"]) as NginxSiteModel;
  const routes = model.servers[0]?.routes ?? [];
  routes[0] = { ...routes[0]!, cors: corsA };
  routes[1] = { ...routes[1]!, cors: corsB };
  return model;
}

const mapLines = (site: string) => site.split("\n").filter((l) => l.startsWith("map $http_origin"));

describe("CORS origin maps", () => {
  it("routes with the same origins (in any order, repeats ignored) share one map", () => {
    const site = renderNginxSite(
      siteWith(
        cors(["https://a.example.com", "https://b.example.com"]),
        cors(["https://b.example.com", "https://a.example.com", "https://b.example.com"]),
      ),
    );
    expect(mapLines(site)).toEqual(["map $http_origin $harvest_cors_origin_1 {"]);
    expect(site.match(/"https:\/\/b\.example\.com" \$http_origin;/g)).toHaveLength(1);
    expect(site.match(/Access-Control-Allow-Origin \$harvest_cors_origin_1 always;/g)).toHaveLength(4);
  });

  it("routes with different origins get a map each", () => {
    const site = renderNginxSite(siteWith(cors(["https://a.example.com"]), cors(["https://b.example.com"])));
    expect(mapLines(site)).toEqual([
      "map $http_origin $harvest_cors_origin_1 {",
      "map $http_origin $harvest_cors_origin_2 {",
    ]);
  });
});
