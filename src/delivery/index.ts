export * from "./commands.js";
export * from "./login.js";
export * from "./progress.js";
export * from "./prune.js";
export * from "./prune_plan.js";
export * from "./pull.js";
export * from "./stream.js";
export * from "./types.js";
