/** The GraphQL API, live run events and the UI's static files, as one mountable handler. */
export { createApiHandler, type ApiHandler, type ApiHandlerOptions } from "./http.js";
export { flytSchema, printFlytSchema } from "./schema.js";
export { DEFAULT_LIMITS, type QueryLimits } from "./limits.js";
export {
  LocationUnavailable,
  type ApiOptions,
  type DefinitionsProvider,
  type LocationEntry,
  type MergedGraphView,
  type RunController,
  type Viewer,
} from "./context.js";
export { launcherRunController, queueRunController, type LauncherRunControllerOptions } from "./controller.js";
