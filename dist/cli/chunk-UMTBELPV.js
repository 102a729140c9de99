import { createRequire as __slipwayCreateRequire } from 'node:module'; import { dirname as __slipwayDirname } from 'node:path'; import { fileURLToPath as __slipwayFileUrl } from 'node:url'; const require = __slipwayCreateRequire(import.meta.url); const __filename = __slipwayFileUrl(import.meta.url); const __dirname = __slipwayDirname(__filename);
/*! slipway v0.1.0 | MIT */
import {
  require_dist
} from "./chunk-TTXMN2L7.js";
export default require_dist();
