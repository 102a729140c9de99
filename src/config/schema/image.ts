import { z } from "zod";
import { bool, patternString, secretName } from "./primitives.js";

const REGISTRY_PATTERN = /^[A-Za-z0-9.-]+(:\d{1,5})?(\/[a-z0-9._/-]+)?$/;
const REPOSITORY_PATTERN = /^[a-z0-9]+([._/-][a-z0-9]+)*$/;

export const imageSchema = z
  .strictObject({
    registry: patternString(REGISTRY_PATTERN, 'expected a registry host like "ghcr.io" or "10.213.0.1:5000"')
      .optional()
      .describe(
        "Registry host (and port) images are pushed to and pulled from. Without it images are streamed to hosts over SSH.",
      ),
    repository: patternString(REPOSITORY_PATTERN, 'expected a repository path like "acme/harvest"')
      .optional()
      .describe(
        "Repository inside the registry; each service's image is `<registry>/<repository>-<service>`. Default: the app name.",
      ),
    username: z
      .string({ error: "expected a user name" })
      .optional()
      .describe("Registry user name (not secret). For ghcr.io in Actions, the GitHub actor."),
    password_secret: secretName()
      .optional()
      .describe("Name of the environment variable holding the registry password or token (never the value itself)."),
    insecure: bool()
      .default(false)
      .describe(
        "The registry speaks plain http (it must also be in each docker daemon's `insecure-registries`), e.g. a local test registry.",
      ),
    tag_branch: bool().default(true).describe("Also tag images with the branch name."),
    tag_latest: bool().default(false).describe("Also tag images `latest`."),
    delivery: z
      .enum(["registry", "ssh"], { error: 'expected "registry" or "ssh"' })
      .optional()
      .describe(
        "How images reach hosts: pulled from the registry, or `docker save` streamed over SSH. Default: registry when one is set, else ssh.",
      ),
  })
  .describe("Where service images are stored. Not used by the systemd runtime.");
