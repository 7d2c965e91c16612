import { createHash } from 'node:crypto';
import { generateApiKey } from '../src/index.js';

describe('generateApiKey()', () => {
  test('a pk_test_ key of 32 random bytes in base64url, and the hex SHA-256 of that exact string', () => {
    const { key, record } = generateApiKey();
    expect(key).toMatch(/^pk_test_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice('pk_test_'.length), 'base64url')).toHaveLength(32);
    expect(record.sha256).toBe(createHash('sha256').update(key).digest('hex'));
    expect(record.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record.id).toMatch(/^key_[0-9a-f]{8}$/);
    expect(Object.keys(record).sort()).toEqual(['id', 'sha256']);
    expect(JSON.stringify(record)).not.toContain(key.slice(8));
  });

  test('keys and ids are fresh every call', () => {
    const generated = Array.from({ length: 50 }, () => generateApiKey());
    expect(new Set(generated.map((g) => g.key)).size).toBe(50);
    expect(new Set(generated.map((g) => g.record.sha256)).size).toBe(50);
  });

  test('id, subject, scopes, expiresAt and prefix are carried into the record', () => {
    const expiresAt = new Date(Date.now() + 60_000);
    const scopes = ['invoices:read'];
    const { key, record } = generateApiKey({ id: 'billing', subject: 'svc-billing', scopes, expiresAt, prefix: 'sk_live_' });
    expect(key.startsWith('sk_live_')).toBe(true);
    expect(record).toEqual({
      id: 'billing',
      sha256: createHash('sha256').update(key).digest('hex'),
      subject: 'svc-billing',
      scopes: ['invoices:read'],
      expiresAt,
    });
    scopes.push('invoices:write');
    expect(record.scopes).toEqual(['invoices:read']);
  });
});
