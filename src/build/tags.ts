import { isValidTag } from "./reference.js";

/**
 * Tags for one build: the full commit SHA (what deploys pin and what the registry is asked about), the branch (so
 * people can find "what main is"), and `latest` when asked. A working tree with uncommitted changes builds under
 * `<sha>-dirty.<id>` alone, so the edit is built (not the commit's cached image) and never tagged as the branch.
 */
export interface TagInput {
  commitSha: string;
  branch?: string | null;
  latest?: boolean;
}

export function imageTags(input: TagInput): string[] {
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})(-dirty\.[0-9a-f]{12})?$/.test(input.commitSha)) {
    throw new Error(`commit SHA must be the full 40 (or 64) hex digits, got "${input.commitSha}"`);
  }
  // A build of uncommitted changes (`<sha>-dirty.<id>`, deploy/uncommitted.ts) is not what the branch or latest is.
  if (input.commitSha.includes("-dirty.")) return [input.commitSha];
  const tags = [input.commitSha];
  const branchTag = input.branch ? branchToTag(input.branch) : null;
  if (branchTag && !tags.includes(branchTag)) tags.push(branchTag);
  if (input.latest && !tags.includes("latest")) tags.push("latest");
  return tags;
}

/**
 * A branch name as a valid Docker tag (`[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`): `refs/heads/` dropped, every other
 * character replaced by `-`, runs of `-` collapsed, leading `.`/`-` dropped, cut to 128 characters. Null when nothing
 * usable is left (a branch of only symbols).
 */
export function branchToTag(branch: string): string | null {
  const tag = branch
    .replace(/^refs\/heads\//, "")
    .replace(/[^\w.-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[.-]+/, "")
    .slice(0, 128)
    .replace(/[.-]+$/, "");
  return tag !== "" && isValidTag(tag) ? tag : null;
}
