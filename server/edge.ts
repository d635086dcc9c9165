// The request listener: latency, OAuth delegation, the Bearer gate, routing, and the single catch for all errors.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerContext } from './context.ts';
import { errorResponse, send, toFhirRequest } from './http.ts';
import { notFound, unauthorized } from './outcomes.ts';
import { route } from './router.ts';

export const FHIR_BASE_PATH = '/fhir';
export const OAUTH_BASE_PATH = '/oauth';
/** Where the browser flow lands: the code is in the URL, the page itself only has to exist. */
export const CALLBACK_PATH = '/callback';

/** The part of the OAuth module (server/auth) the edge needs. */
export interface AuthGate {
  handle(req: IncomingMessage, res: ServerResponse): void;
  verifyBearer(authorization: string | undefined): Promise<boolean>;
}

export interface EdgeOptions {
  latencyMs: number;
  /**
   * Settles once the OAuth module exists (it needs the listening port); requests wait for it rather than slip
   * past the Bearer check. null only in tests that exercise the FHIR core without the OAuth module.
   */
  auth: Promise<AuthGate> | null;
  log: (msg: string) => void;
}

function under(pathname: string, base: string): boolean {
  return pathname === base || pathname.startsWith(`${base}/`);
}

export function requestListener(ctx: ServerContext, opts: EdgeOptions) {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (opts.latencyMs > 0) await sleep(opts.latencyMs);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = opts.auth && (await opts.auth);
    if (auth && under(url.pathname, OAUTH_BASE_PATH)) return auth.handle(req, res);
    if (url.pathname === CALLBACK_PATH) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Authorization complete; you may close this window.');
      return;
    }
    try {
      if (!under(url.pathname, FHIR_BASE_PATH)) throw notFound(url.pathname);
      const fhirReq = await toFhirRequest(req, url, FHIR_BASE_PATH);
      const isMetadata = fhirReq.method === 'GET' && fhirReq.segments.length === 1 && fhirReq.segments[0] === 'metadata';
      if (auth && !isMetadata && !(await auth.verifyBearer(req.headers.authorization))) throw unauthorized();
      send(res, route(ctx, fhirReq));
    } catch (err) {
      send(res, errorResponse(err, opts.log));
    }
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err) => {
      opts.log(`response failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) send(res, errorResponse(err, opts.log));
      else res.destroy();
    });
  };
}
