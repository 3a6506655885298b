/** The PostgreSQL entry of the backend registry (open.ts): which URLs it opens, and how. */
import type { UrlBackend } from "../open.js";
import { PostgresStorage } from "./postgres-storage.js";

export const POSTGRES_BACKEND: UrlBackend = {
  name: "PostgreSQL",
  schemes: ["postgres", "postgresql"],
  example: "postgres://user:password@host:5432/database",
  open: (url, options) => PostgresStorage.open(url, options.poolSize === undefined ? {} : { max: options.poolSize }),
};
