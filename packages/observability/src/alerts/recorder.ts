/**
 * The storage-backed AlertRecorder: every delivery outcome the alert engine reports becomes a
 * row of `alert_deliveries` (Storage.recordAlertDelivery), so sent alerts and delivery failures
 * are visible after a restart and to every replica.
 */
import type { AlertDelivery, Storage } from "@flyt/storage";
import type { AlertDeliveryRecord, AlertRecorder } from "./types.js";

export class StorageAlertRecorder implements AlertRecorder {
  constructor(private readonly storage: Pick<Storage, "recordAlertDelivery">) {}

  async record(entry: AlertDeliveryRecord): Promise<void> {
    await this.storage.recordAlertDelivery(entry);
  }
}

/** Newest deliveries first (for `flyt alerts` style listings and the UI). */
export async function recentAlertDeliveries(storage: Pick<Storage, "listAlertDeliveries">, limit = 50): Promise<AlertDelivery[]> {
  return (await storage.listAlertDeliveries({ limit })).items;
}
