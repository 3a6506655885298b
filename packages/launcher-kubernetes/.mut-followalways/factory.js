import { mintRunToken } from "@flyt/workspace";
import { KubernetesLauncher } from "./launcher.js";
/** Default token lifetime: a day; tokens are revoked earlier, when the run ends. */
export const DEFAULT_RUN_TOKEN_TTL_MS = 24 * 3600_000;
export function createKubernetesLauncher(options) {
    const { storage } = options;
    const ttlMs = options.tokenTtlMs ?? DEFAULT_RUN_TOKEN_TTL_MS;
    if (!Number.isFinite(ttlMs) || ttlMs <= 0)
        throw new RangeError(`tokenTtlMs must be a positive number of ms, got ${String(ttlMs)}`);
    const locations = { ...options.locations };
    return new KubernetesLauncher({
        config: options.config,
        locations,
        runToken: async (run) => {
            const { token, hash } = mintRunToken();
            await storage.createRunToken({ tokenHash: hash, runId: run.runId, location: run.location, assetKeys: run.assetKeys, expiresAt: Date.now() + ttlMs });
            return token;
        },
        onRunEnded: async (run) => {
            await storage.revokeRunTokens(run.runId);
        },
        ...(options.kubeConfig !== undefined ? { kubeConfig: options.kubeConfig } : {}),
        ...options.tuning,
    });
}
//# sourceMappingURL=factory.js.map