/**
 * @flyt/workspace: the platform side of code locations — the location registry (file locations
 * started as child code servers, address locations), their status and snapshots, the merged
 * cross-location asset graph, the protocol client, and CodeLocationLauncher.
 * See docs/code-locations.md.
 */
export { Workspace, type LocationConfig, type LocationState, type LocationStatus, type WorkspaceOptions } from "./workspace.js";
export { CodeLocationClient, CodeLocationError, type ClientOptions } from "./client.js";
export { ChildServer, defaultCodeServerCommand } from "./child-server.js";
export { mergeSnapshots, type MergedGraph } from "./merged-graph.js";
export { CodeLocationLauncher, mintRunToken, hashRunToken, type CodeLocationLauncherOptions } from "./code-location-launcher.js";
