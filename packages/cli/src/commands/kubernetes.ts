/**
 * The Kubernetes launcher from compiled configuration, as per-location launch targets for the
 * daemon's resolver: with `launcher: kubernetes`, runs of every location that has `kubernetes:`
 * settings (an image) become Jobs; runs of other locations keep the local launcher.
 *
 * The launcher package (and @kubernetes/client-node, ~800 modules) is imported only when the
 * Kubernetes launcher is configured, so `flyt dev` and local daemons do not pay for it in memory.
 */
import type { LaunchTarget } from "@flyt/daemon";
import type { Storage } from "@flyt/storage";
import type { FlytConfig } from "../config.js";

/** Launch targets by location name; empty unless the launcher is kubernetes. */
export async function kubernetesLaunchTargets(
  config: Pick<FlytConfig, "execution" | "kubernetes">,
  storage: Storage,
): Promise<Record<string, LaunchTarget>> {
  const { launcher: launcherConfig, locations } = config.kubernetes;
  if (config.execution.launcher !== "kubernetes" || launcherConfig === null) return {};
  const names = Object.keys(locations);
  if (names.length === 0) return {};
  const { createKubernetesLauncher } = await import("@flyt/launcher-kubernetes");
  const launcher = createKubernetesLauncher({ storage, config: launcherConfig, locations });
  // No definitions file for the request: the worker in the pod loads the location's `definitionsFile` (or the image's default).
  return Object.fromEntries(names.map((name) => [name, { launcher }]));
}
