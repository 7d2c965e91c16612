/**
 * Outcomes published on Node's `diagnostics_channel`, for metrics and audit logs. Messages carry
 * reason codes and identifiers (issuer, subject, key id) — never a token, a key or a secret.
 *
 * | channel | message |
 * |---|---|
 * | `portcullis:auth` | `{ outcome: 'success', type, subject?, keyId?, issuer?, cached }` or `{ outcome: 'failure', status, code, reason }` |
 * | `portcullis:jwks` | `{ issuer, outcome: 'fetched', keys, skipped }` or `{ issuer, outcome: 'failed', detail }` |
 */
import diagnostics from 'node:diagnostics_channel';

/** Channel names, as constants. */
export const CHANNELS = {
  auth: 'portcullis:auth',
  jwks: 'portcullis:jwks',
} as const;

const channels = {
  auth: diagnostics.channel(CHANNELS.auth),
  jwks: diagnostics.channel(CHANNELS.jwks),
};

/**
 * Publishes a message if anyone listens (the check keeps the hot path free when nobody does).
 *
 * @example
 * publish('auth', { outcome: 'failure', status: 401, code: 'invalid_token', reason: 'expired' })
 */
export function publish(channel: keyof typeof channels, message: Record<string, unknown>): void {
  const target = channels[channel];
  if (target.hasSubscribers) target.publish(message);
}

/**
 * Whether anyone listens on a channel: lets the hot path skip building messages.
 *
 * @example
 * if (listening('auth')) publish('auth', buildMessage())
 */
export function listening(channel: keyof typeof channels): boolean {
  return channels[channel].hasSubscribers;
}
