/**
 * @flyt/cli: the `flyt` command line as a library (for tests and embedding).
 */
export { runCli, buildProgram, type Io } from "./main.js";
export { loadConfig, compileConfig, readGivenConfig, maskDatabaseUrl, type FlytConfig } from "./config.js";
