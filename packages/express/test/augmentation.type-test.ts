/**
 * Type test, compiled by the root `pnpm typecheck` (never run): `req.auth` is typed by the package's Express
 * `Request` augmentation. If the augmentation breaks, the plain lines fail to compile (no `auth` property)
 * or the `@ts-expect-error` lines stop erroring (e.g. `auth` became `any`), and typecheck fails.
 */
import type { Request, RequestHandler } from 'express';
import type { AuthContext } from '@portcullis/core';
import { authenticate, requireScopes, errorHandler } from '@portcullis/express';

declare const req: Request;

export const auth: AuthContext | undefined = req.auth;
export const kind: 'jwt' | 'api-key' | undefined = req.auth?.type;
export const scopes: string[] | undefined = req.auth?.scopes;

// @ts-expect-error req.auth is optional: it is absent until authenticate() proved a credential.
export const required: AuthContext = req.auth;

// @ts-expect-error type is a union of string literals, not a number.
export const wrongType: number | undefined = req.auth?.type;

// @ts-expect-error the AuthContext has no `password` property.
export const noSuchField = req.auth?.password;

export const handlers: RequestHandler[] = [
  authenticate({ issuer: 'https://idp.example.test/', audience: 'api' }),
  requireScopes(['a', 'b'], { mode: 'any' }),
];
export const onError = errorHandler();

// @ts-expect-error mode is 'all' | 'any'.
requireScopes('a', { mode: 'some' });
