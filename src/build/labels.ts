/** OCI annotation keys Slipway stamps on every image (https://github.com/opencontainers/image-spec annotations). */
export interface LabelInput {
  /** URL of the source repository; credentials in it are dropped. */
  source?: string | null;
  revision: string;
  /** Build time; RFC 3339. */
  created: Date;
}

export function ociLabels(input: LabelInput): Record<string, string> {
  const labels: Record<string, string> = {};
  const source = input.source ? stripCredentials(input.source) : null;
  if (source) labels["org.opencontainers.image.source"] = source;
  labels["org.opencontainers.image.revision"] = input.revision;
  labels["org.opencontainers.image.created"] = input.created.toISOString().replace(/\.\d{3}Z$/, "Z");
  return labels;
}

/** `https://user:token@github.com/o/r.git` -> `https://github.com/o/r`; scp-style `git@github.com:o/r.git` -> https. */
export function stripCredentials(url: string): string {
  const scp = /^[\w.-]+@([\w.-]+):(.+?)(?:\.git)?$/.exec(url);
  if (scp && !url.includes("://")) return `https://${scp[1]}/${scp[2]}`;
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString().replace(/\.git$/, "");
  } catch {
    return url;
  }
}
