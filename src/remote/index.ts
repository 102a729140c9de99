/** The SSH layer's public surface: everything else in Slipway imports from here or from ./types.js. */
export { type CommandShape, effectiveArgv, innerCommand, wrapCommand } from "./command.js";
export { DEFAULT_DEPLOY_DIR, parseFacts } from "./facts.js";
export { keyTypeOf, knownHostsLine, normalizeFingerprint, sha256Fingerprint } from "./fingerprint.js";
export { decideHostKey, type HostKeyPins, type HostKeyVerdict } from "./host-key-policy.js";
export { hashKnownHostName, parseKnownHosts } from "./known-hosts.js";
export { formatHostLine, type OutputStream } from "./lines.js";
export { ConnectionPool, connect } from "./pool.js";
export { shJoin, shQuote } from "./quote.js";
export { isPrivateMode, MASK, Redactor, SECRET_CONTENT_CHANGED } from "./redact.js";
export { SshRemoteHost } from "./ssh-host.js";
export { recognizeSudoFailure, sudoersRule } from "./sudo.js";
export type { ConnectOptions, OutputLine, TargetSpec } from "./target.js";
export type { ExecOptions, ExecResult, HostFacts, PutFileOptions, PutFileResult, RemoteHost } from "./types.js";
