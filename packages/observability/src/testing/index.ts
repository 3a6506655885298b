/** `@flyt/observability/testing`: helpers for tests of alerting (a real webhook receiver). */
export { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from "./webhook-receiver.js";
