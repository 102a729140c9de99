/**
 * Builds a throwaway nginx prefix (main nginx.conf + the scenario's files, with include/cert paths moved under the
 * prefix) so `nginx -t -p PREFIX -c PREFIX/nginx.conf` checks a scenario without touching the host's live config.
 */

import type { NginxSiteModel } from "../../../src/render/model.js";
import { renderNginxFiles } from "../../../src/render/nginx.js";

export interface PrefixFile {
  path: string;
  content: string;
}

export function scenarioPrefixFiles(model: NginxSiteModel, prefix: string): PrefixFile[] {
  const moved: NginxSiteModel = {
    ...model,
    upstreamIncludeDir: `${prefix}/slipway`,
    tls: model.tls && { ...model.tls, certificate: `${prefix}/cert.pem`, certificateKey: `${prefix}/key.pem` },
  };
  const files = renderNginxFiles(moved, `${prefix}/site.conf`);
  const main = [
    `pid ${prefix}/nginx.pid;`,
    `error_log ${prefix}/error.log;`,
    "events {}",
    "http {",
    "    access_log off;",
    `    include ${prefix}/site.conf;`,
    "}",
    "",
  ].join("\n");
  return [...files, { path: `${prefix}/nginx.conf`, content: main }];
}

/** argv that makes a self-signed cert/key pair where scenarioPrefixFiles expects them. */
export function selfSignedCertArgv(prefix: string): string[] {
  return [
    "openssl",
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "1",
    "-subj",
    "/CN=www.example.com",
    "-keyout",
    `${prefix}/key.pem`,
    "-out",
    `${prefix}/cert.pem`,
  ];
}

export function nginxTestArgv(prefix: string): string[] {
  return ["nginx", "-t", "-p", prefix, "-c", `${prefix}/nginx.conf`];
}
