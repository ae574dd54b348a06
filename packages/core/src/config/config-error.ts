/** A `gatehouse.config.json` violation (appsync-auth.md §4): names the field and what it expects. */
export class ConfigError extends TypeError {
  readonly code = 'ERR_CONFIG_INVALID' as const;
  /** Path of the offending field, e.g. `additionalAuthenticationProviders[1].openIDConnectConfig.issuer`. */
  readonly field: string;
  constructor(field: string, expectation: string, options?: { cause?: unknown }) {
    super(`"${field}" ${expectation}`, options);
    this.name = 'ConfigError';
    this.field = field;
  }
}

export function isConfigError(value: unknown): value is ConfigError {
  return value instanceof ConfigError;
}
