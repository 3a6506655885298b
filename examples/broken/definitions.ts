/**
 * A deliberately broken code location, for tests and for seeing what the platform shows when a
 * location fails to load: `weather/daily_brief` depends on an asset nobody defines, so
 * `defineDefinitions` throws while the module loads. Every other location keeps working.
 * (The fix is the one-word change the error message suggests: `weather/umbrella_index`.)
 */
import { asset, defineDefinitions } from "@flyt/sdk";

export const umbrellaIndex = asset({ key: "broken/umbrella_index", compute: () => ({ index: 3 }) });

export const dailyBrief = asset({
  key: "broken/daily_brief",
  deps: ["broken/umbrela_index"],
  compute: () => ({ text: "…" }),
});

export default defineDefinitions({ assets: [umbrellaIndex, dailyBrief] });
