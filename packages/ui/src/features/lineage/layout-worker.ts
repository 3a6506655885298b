/** Web Worker: runs the layered layout off the main thread and posts the positions back (transferred, not copied). */
import { layeredLayout, type LayoutInput } from "./layout.js";

self.onmessage = (event: MessageEvent<LayoutInput>) => {
  const result = layeredLayout(event.data);
  (self as unknown as Worker).postMessage(result, [result.positions.buffer]);
};
