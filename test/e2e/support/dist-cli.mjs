// `slipway` from the shipped bundle (dist/cli/index.js) for the e2e tests' child processes: what bin/slipway.js runs
// in an installed package. test/e2e/support/sandbox.ts's CLI_ENTRY names this file when dist/ matches the sources.
import { main } from "../../../dist/cli/index.js";

await main(process.argv);
