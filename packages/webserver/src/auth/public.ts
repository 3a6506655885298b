/**
 * The light part of access control for the CLI (`@flyt/webserver/auth`): the `auth:` config
 * schema, roles and API-token helpers — no HTTP or protocol modules, so every CLI command can
 * load its config without paying for the server.
 */
export { AUTH_MODES, AuthConfigSchema, authOptionsFromConfig, DEFAULT_AUTH, DEFAULT_AUTH_HEADERS, resolveAuthOptions, type AuthConfig, type AuthMode, type AuthOptions, type GroupsHeader } from "./config.js";
export { ROLES, highestRole, isRole, roleAllows, type Role } from "./roles.js";
export { API_TOKEN_PREFIX, generateApiToken, hashApiToken, isApiTokenShape } from "./tokens.js";
export { ProxyTrust, normalizeAddress } from "./trust.js";
