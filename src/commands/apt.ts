/** Pure argv builders of Debian packages (the playbook `apt` module): query with dpkg-query, install, remove. */

/** `<name> <status abbrev>` per package (`ii` = installed); unknown packages go to stderr. */
export function dpkgQueryArgv(packages: readonly string[]): string[] {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a JS template
  return ["dpkg-query", "-W", "-f", "${Package} ${db:Status-Abbrev}\\n", "--", ...packages];
}

/** Non-interactive install; recommended packages only when asked for. */
export function aptInstallArgv(packages: readonly string[], recommends: boolean): string[] {
  return [
    "env",
    "DEBIAN_FRONTEND=noninteractive",
    "apt-get",
    "install",
    "-y",
    "-q",
    ...(recommends ? [] : ["--no-install-recommends"]),
    "--",
    ...packages,
  ];
}

export function aptRemoveArgv(packages: readonly string[]): string[] {
  return ["env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "remove", "-y", "-q", "--", ...packages];
}

/** Refreshes the package lists (`update_cache: true`). */
export function aptUpdateArgv(): string[] {
  return ["apt-get", "update", "-q"];
}
