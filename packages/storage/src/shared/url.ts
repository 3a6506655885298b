/**
 * Database URLs in messages: the masked form used in every message about one (a password must
 * never reach a log line or an error). Which backend a URL selects is open.ts's registry.
 */

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; leaves password-less URLs alone. */
export function maskDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    // Passwords can also hide in the query string (`?password=`).
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass/i.test(key)) parsed.searchParams.set(key, "***");
    }
    return parsed.toString();
  } catch {
    // Not parseable as a URL: mask anything between `//user:` and `@` by pattern.
    return url.replace(/(\/\/[^/:@]*:)[^@/]*@/, "$1***@").replace(/(password=)[^&\s]*/gi, "$1***");
  }
}

/** Replaces every occurrence of the URL's password in a message (driver errors may echo it). */
export function scrubSecret(message: string, url: string): string {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password ? message.split(password).join("***") : message;
  } catch {
    return message;
  }
}
