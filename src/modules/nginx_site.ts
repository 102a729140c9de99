/**
 * nginx_site: render a NginxSiteModel (site file + one upstream include per service) and install it validated:
 * `nginx -t` with the candidates in place, reload, previous files restored if either fails. The model is checked
 * value by value by the renderer (src/render/nginx.ts), which names the bad field.
 */
import { z } from "zod";
import type { Module } from "../engine/types.js";
import { applyNginxSite } from "../install/apply.js";
import type { NginxSiteModel } from "../render/model.js";

const argsSchema = z
  .object({
    site: z.custom<NginxSiteModel>(
      (v) => typeof v === "object" && v !== null && "app" in v && "servers" in v,
      "expected a nginx site model (app, servers, upstreams, ...)",
    ),
    /** Site file; default /etc/nginx/conf.d/slipway-<app>.conf. */
    path: z.string().startsWith("/").optional(),
  })
  .strict();

export const nginxSiteModule: Module<typeof argsSchema> = {
  name: "nginx_site",
  argsSchema,
  async run(ctx, args) {
    const result = await applyNginxSite(ctx.host, args.site, {
      become: ctx.become,
      check: ctx.check,
      step: ctx.step,
      sitePath: args.path,
    });
    if (!result.changed) return { status: "ok" };
    const site = result.files[result.files.length - 1];
    return {
      status: "changed",
      msg: `${ctx.check ? "would update" : "updated"} ${result.files.map((f) => f.path).join(", ")}`,
      diff: site && { path: site.path, before: site.before ?? "", after: site.after },
      data: { diff: ctx.redactor.redact(result.diff), files: result.files.map((f) => f.path) },
    };
  },
};
