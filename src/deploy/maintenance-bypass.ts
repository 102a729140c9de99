/**
 * The host's maintenance bypass token: Slipway's own checks through the public server (verify, the served-color probe)
 * send it in MAINTENANCE_BYPASS_HEADER so a deploy while maintenance is on reaches the release behind the page. One
 * random token per host and app, made by the first switch that finds none and kept (root's file, mode 0600, through
 * the helper in helper mode); never in argv (curl reads the header from stdin), and added to the run's redactor.
 */
import { randomBytes } from "node:crypto";
import { mkdirsArgv } from "../commands/files.js";
import type { SlipwayConfig } from "../config/index.js";
import type { Redactor } from "../remote/redact.js";
import type { RemoteHost } from "../remote/types.js";
import { UPSTREAM_INCLUDE_DIR } from "../render/from-config/nginx.js";
import {
  MAINTENANCE_BYPASS_HEADER,
  maintenanceBypassFile,
  maintenanceBypassPath,
  maintenanceRetryAfterPath,
  parseMaintenanceBypass,
} from "../render/nginx-maintenance.js";

/** `/etc/nginx/slipway/<app>-maintenance-bypass.conf`. */
export function bypassTokenPath(config: SlipwayConfig): string {
  return maintenanceBypassPath(UPSTREAM_INCLUDE_DIR, config.app);
}

/**
 * One host's bypass token as one run knows it: read from the host at most once, kept once made. State of the run, not
 * of the module: a host run makes one (host-flow.ts flowState, `FlowState.bypass`), a cancelled run's cleanup its own,
 * and passes it to the switch and the route checks.
 */
export class MaintenanceBypass {
  /** undefined: not read yet; null: the host has none (or refused the read). */
  private known: string | null | undefined;

  constructor(
    readonly host: RemoteHost,
    readonly config: SlipwayConfig,
  ) {}

  /**
   * The host's token, or null when it has none yet (or the read is refused: then the checks go without, as before).
   * Read once per host and run.
   */
  async read(): Promise<string | null> {
    if (this.known !== undefined) return this.known;
    const content = await this.host.readFile(bypassTokenPath(this.config), { become: true }).catch(() => undefined);
    this.known = content === undefined ? null : parseMaintenanceBypass(content.toString("utf8"));
    return this.known;
  }

  /**
   * The host's token, made when it has none (or an unreadable one): 16 random bytes (128 bits) as 32 hex digits (a
   * longer map key overflows nginx's default map_hash_bucket_size), written mode 0600 as root.
   * `created`: nginx has not loaded it yet, so the caller reloads nginx if installing the site did not. The token is
   * added to `redactor`. Throws the write's error (a host that refuses it cannot pass the page).
   */
  async ensure(redactor?: Redactor): Promise<{ token: string; created: boolean }> {
    const existing = await this.read();
    if (existing) {
      redactor?.add(existing);
      return { token: existing, created: false };
    }
    const token = randomBytes(16).toString("hex");
    redactor?.add(token);
    // A fresh host has no include directory before its first site is installed (which comes after this).
    await this.host.exec(mkdirsArgv([UPSTREAM_INCLUDE_DIR]), { become: true, step: "switch" });
    await this.host.putFile(bypassTokenPath(this.config), maintenanceBypassFile(token), {
      become: true,
      mode: 0o600,
      step: "switch",
      // Known to be absent or unreadable: one round trip, not a look first.
      unconditional: true,
    });
    this.known = token;
    return { token, created: true };
  }
}

/** The files of the app's maintenance settings the site includes (the token, the Retry-After): `slipway remove` takes them. */
export function maintenanceSiteFiles(app: string): string[] {
  return [maintenanceBypassPath(UPSTREAM_INCLUDE_DIR, app), maintenanceRetryAfterPath(UPSTREAM_INCLUDE_DIR, app)];
}

/** What curl reads from stdin with `--header @-`: the bypass header line. */
export function bypassHeaderLine(token: string): string {
  return `${MAINTENANCE_BYPASS_HEADER}: ${token}\n`;
}
