// Vite build of the UI into dist/ (served by the webserver). TypeScript and JSX are compiled by
// esbuild inside Vite; type checking is `tsc -b` at the repository root.
import { defineConfig } from "vite";

export default defineConfig({
  root: new URL(".", import.meta.url).pathname,
  esbuild: { jsx: "automatic" },
  build: { outDir: "dist", assetsDir: "static", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  worker: { format: "es" },
});
