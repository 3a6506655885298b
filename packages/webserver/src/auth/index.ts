/** Access control: modes, roles, the authenticator, API tokens, CSRF and security headers. */
export { AUTH_MODES, AuthConfigSchema, authOptionsFromConfig, DEFAULT_AUTH, DEFAULT_AUTH_HEADERS, resolveAuthOptions, type AuthConfig, type AuthMode, type AuthOptions, type GroupsHeader } from "./config.js";
export { ANONYMOUS, Authenticator, type ApiTokenLookup, type Principal, type StoredApiToken } from "./authenticator.js";
export { ROLES, highestRole, isRole, roleAllows, type Role } from "./roles.js";
export { API_TOKEN_PREFIX, generateApiToken, hashApiToken, isApiTokenShape } from "./tokens.js";
export { ProxyTrust, normalizeAddress } from "./trust.js";
export { HostAllowlist, hostName } from "./hosts.js";
export { CONTENT_SECURITY_POLICY, CSRF_HEADER, SECURITY_HEADERS, attachPrincipal, checkCsrf, principalOf, requireRole, setSecurityHeaders } from "./guard.js";
