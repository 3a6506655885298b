/**
 * Serves the UI's static build. Files under `static/` (Vite's assetsDir) are content-hashed by Vite, so they are
 * cached for a year; any other path that is not a file gets index.html (client-side routes).
 * Paths are resolved inside the build folder only.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".map": "application/json",
};

async function isFile(path: string): Promise<number | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : null;
  } catch {
    return null;
  }
}

export async function serveStatic(root: string, pathname: string, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const base = resolve(root);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  const candidate = resolve(base, "." + normalize(decoded).replace(/^([/\\])+/, sep));
  let path = candidate.startsWith(base + sep) ? candidate : null;
  let size = path === null ? null : await isFile(path);
  const isAsset = decoded.startsWith("/static/");
  if (size === null) {
    // A missing hashed asset is a real 404; any other path is a client-side route.
    if (isAsset) return false;
    path = join(base, "index.html");
    size = await isFile(path);
    if (size === null) return false;
  }
  const type = TYPES[extname(path!)] ?? "application/octet-stream";
  res.writeHead(200, {
    "content-type": type,
    "content-length": size,
    "cache-control": isAsset ? "public, max-age=31536000, immutable" : "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (req.method === "HEAD") {
    res.end();
    return true;
  }
  createReadStream(path!).pipe(res);
  return true;
}
