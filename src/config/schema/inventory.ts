import { z } from "zod";
import {
  address,
  bool,
  duration,
  inventoryName,
  localPath,
  patternString,
  port,
  positiveInt,
  secretName,
} from "./primitives.js";

/** A pinned key: a known_hosts line (`host ssh-ed25519 AAAA...`, hashed hosts too) or `SHA256:...` fingerprint. */
const HOST_KEY_PATTERN =
  /^(SHA256:[A-Za-z0-9+/]{43}=?|(@cert-authority\s+)?\S+\s+(ssh-|ecdsa-|sk-)\S+\s+[A-Za-z0-9+/=]+(\s.*)?)$/;
const HOST_KEY_EXPECTED = 'expected a known_hosts line ("host ssh-ed25519 AAAA...") or a fingerprint ("SHA256:...")';

const USER_PATTERN = /^[a-z_][a-z0-9_-]*\$?$/;
function userName() {
  return patternString(USER_PATTERN, 'expected a Unix user name like "deploy"');
}

const vars = () =>
  z.record(z.string(), z.unknown()).default({}).describe("Variables for playbooks and templates (like Ansible vars).");

/** Settings that a host takes from `inventory.ssh` unless it sets its own. */
const connectionFields = {
  user: userName().optional().describe("SSH user."),
  port: port().optional().describe("SSH port."),
  jump: inventoryName("host")
    .optional()
    .describe("Name of an inventory host to connect through (ProxyJump); its own host key is checked too."),
  known_hosts_file: localPath()
    .optional()
    .describe(
      "known_hosts file with the pinned host keys, relative to slipway.yml. Unset: ~/.ssh/known_hosts, ~/.ssh/known_hosts2 and /etc/ssh/ssh_known_hosts, as ssh reads them.",
    ),
  trust_on_first_use: bool()
    .optional()
    .describe(
      "Accept an unknown host key the first time, print its fingerprint and record it in known_hosts_file (default ~/.ssh/known_hosts), so later runs check it. Refused when CI=true. Off unless set.",
    ),
  become_user: userName().optional().describe("User for `become` (sudo -n -u)."),
  privilege: z
    .enum(["root", "helper"])
    .optional()
    .describe(
      "How privileged steps run: `root`, plain `sudo -n` (the SSH user is root-equivalent: NOPASSWD: ALL), or `helper`, through the root-owned helper playbooks/bootstrap.yml installs (the SSH user's only sudo rule; docker through its checked gate). See docs/security.md.",
    ),
  identity_file: localPath()
    .optional()
    .describe(
      "Private key file on the machine running Slipway (mode 0600: a key others can read is used with a warning). A passphrase-protected key opens with the passphrase in the environment variable `SLIPWAY_SSH_PASSPHRASE`, or through ssh-agent (`SSH_AUTH_SOCK`, after `ssh-add`); Slipway never prompts. Without `identity_file` and `private_key_secret`, ssh-agent's keys are used when `SSH_AUTH_SOCK` is set.",
    ),
  private_key_secret: secretName()
    .optional()
    .describe("Name of the environment variable holding the private key (CI), instead of `identity_file`."),
};

export const hostSchema = z
  .strictObject({
    address: address().describe("IP address or DNS name the runner connects to."),
    ...connectionFields,
    host_keys: z
      .array(patternString(HOST_KEY_PATTERN, HOST_KEY_EXPECTED))
      .default([])
      .describe("Pinned host keys: known_hosts lines or SHA256 fingerprints."),
    vars: vars(),
  })
  .describe("A target server.");

export const sshDefaultsSchema = z
  .strictObject({
    user: userName().default("deploy").describe("SSH user."),
    port: port().default(22).describe("SSH port."),
    known_hosts_file: connectionFields.known_hosts_file,
    trust_on_first_use: bool()
      .default(false)
      .describe(connectionFields.trust_on_first_use.description ?? ""),
    become_user: userName().default("root").describe("User for `become` (sudo -n -u)."),
    privilege: z
      .enum(["root", "helper"])
      .default("root")
      .describe(connectionFields.privilege.description ?? ""),
    identity_file: connectionFields.identity_file,
    private_key_secret: connectionFields.private_key_secret,
    connect_timeout: duration().default("10s").describe("TCP + SSH handshake timeout per attempt."),
  })
  .describe("SSH settings every host uses unless it sets its own.");

export const groupSchema = z
  .strictObject({
    hosts: z.array(inventoryName("host")).describe("Names of the hosts in this group."),
    vars: vars(),
  })
  .describe("A named set of hosts.");

export const inventorySchema = z
  .strictObject({
    ssh: sshDefaultsSchema.prefault({}),
    hosts: z
      .record(inventoryName("host"), hostSchema)
      .refine((hosts) => Object.keys(hosts).length > 0, { error: "expected at least one host" })
      .describe("Target servers by name."),
    groups: z.record(inventoryName("group"), groupSchema).default({}).describe("Groups of hosts by name."),
    serial: z
      .union(
        [
          positiveInt('a number of hosts >= 1 or a percentage like "50%"'),
          patternString(/^(100|[1-9]\d?)%$/, 'expected a percentage from "1%" to "100%"'),
        ],
        {
          error: 'expected a number of hosts or a percentage like "50%"',
        },
      )
      .default("100%")
      .describe(
        "Rolling batch size: hosts deployed at once, a number or a percentage of the chosen hosts (rounded down as Ansible does, at least 1).",
      ),
    max_fail_percentage: z
      .number({ error: "expected a percentage (0-100)" })
      .min(0, { error: "expected a percentage (0-100)" })
      .max(100, { error: "expected a percentage (0-100)" })
      .default(0)
      .describe("Stop the rollout when more than this percentage of hosts failed."),
    on_batch_failure: z
      .enum(["switch_back", "keep"], { error: 'expected "switch_back" or "keep"' })
      .default("switch_back")
      .describe(
        "When a host of a batch fails: `switch_back` rolls the batch's deployed hosts back to their previous release (no mixed fleet); `keep` leaves them on the new one (the recap says so).",
      ),
  })
  .describe("The servers to deploy to.");
