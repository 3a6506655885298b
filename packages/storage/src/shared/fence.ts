/**
 * Fenced writes, the part both backends share: validating a `Fence` and deciding, from the lease
 * row read inside the write's transaction, whether the write may go ahead. The expiry is not
 * checked: a lease that expired but was not taken by anyone still names the latest leader, and a
 * new holder always changes the holder or the token, which is what refuses the old one.
 */
import { LeaseLostError } from "@flyt/core";
import type { Fence, WriteOptions } from "../storage.js";
import { validateId } from "./validate.js";
import { StorageInputError } from "../errors.js";

/** The validated fence of a write's options, or null when the write is not fenced. */
export function fenceOf(options: WriteOptions | undefined): Fence | null {
  const fence = options?.fence ?? null;
  if (fence === null) return null;
  if (typeof fence !== "object") throw new StorageInputError("fence", "must be an object { leaseName, holder, fencingToken }");
  validateId(fence.leaseName, "fence lease name");
  validateId(fence.holder, "fence holder");
  if (!Number.isSafeInteger(fence.fencingToken) || fence.fencingToken < 1) {
    throw new StorageInputError("fence fencing token", `must be a positive integer, got ${String(fence.fencingToken)}`);
  }
  return fence;
}

/** Throws LeaseLostError unless the lease row (read in the write's transaction) matches the fence. */
export function assertFenceHolds(fence: Fence, row: { holder: string; fencing_token: number | string } | undefined, what: string): void {
  if (row !== undefined && row.holder === fence.holder && Number(row.fencing_token) === fence.fencingToken) return;
  throw new LeaseLostError(fence.leaseName, fence.holder, fence.fencingToken, what);
}
