/** Web Worker: runs the group-aware layout off the main thread and posts the positions back (transferred, not copied). */
import { layoutGraph, type LayoutRequest } from "./layout.js";

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const result = layoutGraph(event.data);
  (self as unknown as Worker).postMessage(result, [result.positions.buffer]);
};
