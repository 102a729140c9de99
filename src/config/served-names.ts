/**
 * Every host name the nginx site answers for: `proxy.domains`, then `proxy.api_subdomain.domain`. The certificate
 * must cover all of them (the API subdomain too), so the site, certbot and validate read them from here.
 */
export interface NamedSite {
  proxy: { domains: readonly string[]; api_subdomain?: { domain: string } };
}

/** Unique names in order; empty when the site has no names (it is then the host's default server). */
export function servedNames(config: NamedSite): string[] {
  const names = [...config.proxy.domains];
  if (config.proxy.api_subdomain) names.push(config.proxy.api_subdomain.domain);
  return [...new Set(names)];
}

/** The names on the certificate: `tls.domains` when given, else every served name. */
export function certificateNames(config: NamedSite & { tls: { domains?: readonly string[] } }): string[] {
  return config.tls.domains ? [...config.tls.domains] : servedNames(config);
}
