import { runPostAction } from "../post-action.js";

await runPostAction();
