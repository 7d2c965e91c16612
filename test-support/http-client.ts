/**
 * The part of supertest's API the shared suites use. supertest is installed per package (root has no
 * node_modules of its own for it), so each package passes its `request` in and these types describe it.
 */
import type { RequestListener } from 'node:http';

/** An answer as supertest reports it. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body; `any` as in supertest, since each test reads the fields it expects. */
  body: any;
  text: string;
}

/** A request being built; awaiting it sends it. */
export interface HttpRequest extends PromiseLike<HttpResponse> {
  set(field: string, value: string): HttpRequest;
  set(fields: Record<string, string>): HttpRequest;
  auth(token: string, options: { type: 'bearer' }): HttpRequest;
  query(params: Record<string, string>): HttpRequest;
  type(type: string): HttpRequest;
  send(body: string | object): HttpRequest;
}

/** What `request(app)` returns. */
export interface HttpClient {
  get(path: string): HttpRequest;
  post(path: string): HttpRequest;
}

/**
 * supertest's default export, as the suites call it.
 *
 * @example
 * import request from 'supertest';
 * const send: SendTo = request;
 * const res = await send(app).get('/health');
 */
export type SendTo = (app: RequestListener) => HttpClient;
