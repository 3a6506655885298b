/**
 * Roles and what each may do. Roles are ordered: a higher role can do everything a lower one can.
 * viewer reads; operator launches, re-executes and cancels runs, launches, cancels and retries
 * backfills, adds and deletes dynamic partitions, starts/stops schedules and sensors and reloads
 * code locations; admin additionally manages API tokens.
 */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** True when `role` is at least `required` (null — no role — satisfies nothing). */
export function roleAllows(role: Role | null, required: Role): boolean {
  return role !== null && ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/** The highest of some roles (null for none). */
export function highestRole(roles: Iterable<Role>): Role | null {
  let best: Role | null = null;
  for (const role of roles) if (best === null || ROLES.indexOf(role) > ROLES.indexOf(best)) best = role;
  return best;
}
