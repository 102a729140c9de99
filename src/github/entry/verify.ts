import { runVerifyAction } from "../verify-action.js";

await runVerifyAction();
