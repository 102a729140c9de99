/**
 * The preview listener's port: `proxy.preview_port`, else 30000-32699 from the app name (stable per app). Below
 * Linux's ephemeral range (32768-60999): a port there can be held by any outgoing connection (nginx to an upstream),
 * and a reload that cannot bind it fails. Lives in config so `validate` checks the same port nginx will bind.
 */
export function previewPort(config: { app: string; proxy: { preview_port?: number } }): number {
  if (config.proxy.preview_port !== undefined) return config.proxy.preview_port;
  let hash = 0;
  for (const ch of config.app) hash = (hash * 31 + ch.charCodeAt(0)) % 2700;
  return 30000 + hash;
}
