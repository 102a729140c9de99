/** Release ids: `<commit short>-<UTC yyyymmddHHMMSS>`, sortable by time within one commit and unique per deploy. */

export function releaseId(commit: string, now: Date): string {
  // `<sha>-dirty.<id>` (a tree with uncommitted changes) keeps its commit's short form.
  const short = /^[0-9a-f]{7,}(-dirty\.[0-9a-f]+)?$/i.test(commit) ? commit.slice(0, 7).toLowerCase() : "local";
  const stamp = now.toISOString().replace(/[-:T]/g, "").replace(/\..*$/, "");
  return `${short}-${stamp}`;
}

/** A release id is one path segment: it names `<deploy_dir>/releases/<id>`. */
export function isReleaseId(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(value);
}

export function otherColor(color: "blue" | "green"): "blue" | "green" {
  return color === "blue" ? "green" : "blue";
}
