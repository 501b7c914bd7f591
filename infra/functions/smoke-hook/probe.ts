/**
 * One smoke check against one ALB node: GET /ready must answer 200, GET /info must answer 200 with
 * JSON whose `commit` is the commit being deployed.
 *
 * node:http rather than fetch: fetch (undici) does not let a caller set the Host header, which a
 * host-based test listener rule needs.
 */
import { request } from 'node:http';

export type CheckResult =
  | { ok: true; commit: string; version: string | undefined }
  | {
      ok: false;
      /** retryable: the target may still become healthy; definitive: it answered, wrongly. */
      kind: 'retryable' | 'definitive';
      message: string;
    };

const MAX_BODY_BYTES = 64 * 1024;

export interface HttpResponse {
  status: number;
  body: string;
}

export class HttpError extends Error {
  override name = 'HttpError';
}

export function httpGet(
  url: string,
  opts: { hostHeader?: string | undefined; timeoutMs: number },
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...(opts.hostHeader ? { host: opts.hostHeader } : {}) },
      signal: AbortSignal.timeout(opts.timeoutMs),
      agent: false,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', (error) => reject(describeNetworkError(error, opts.timeoutMs)));
    });
    req.on('error', (error) => reject(describeNetworkError(error, opts.timeoutMs)));
    req.end();
  });
}

function describeNetworkError(error: Error & { code?: string }, timeoutMs: number): HttpError {
  if (error.name === 'AbortError' || error.name === 'TimeoutError' || error.code === 'ABORT_ERR') {
    return new HttpError(`timed out after ${timeoutMs} ms`);
  }
  if (error.code === 'ECONNREFUSED')
    return new HttpError('connection refused (ECONNREFUSED): nothing listens on the test port');
  if (error.code === 'ECONNRESET') return new HttpError('connection reset (ECONNRESET)');
  if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') {
    return new HttpError(`host unreachable (${error.code}): check the security groups and routes`);
  }
  return new HttpError(`${error.code ?? error.name}: ${error.message}`);
}

const snippet = (body: string) => {
  const oneLine = body.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine;
};

const HEX = /^[0-9a-f]+$/i;

/** Equal ignoring case, or (both hex, 7+ characters) one a prefix of the other: short vs full sha. */
export function sameCommit(actual: string, expected: string): boolean {
  const a = actual.trim().toLowerCase();
  const e = expected.trim().toLowerCase();
  if (a === e) return true;
  if (a.length < 7 || e.length < 7 || !HEX.test(a) || !HEX.test(e)) return false;
  return a.startsWith(e) || e.startsWith(a);
}

export async function checkTarget(opts: {
  baseUrl: string;
  hostHeader: string | undefined;
  readyPath: string;
  infoPath: string;
  timeoutMs: number;
  expectedCommit: string;
  expectedCommitSource: string;
}): Promise<CheckResult> {
  const get = async (path: string): Promise<HttpResponse | CheckResult> => {
    try {
      return await httpGet(`${opts.baseUrl}${path}`, {
        hostHeader: opts.hostHeader,
        timeoutMs: opts.timeoutMs,
      });
    } catch (error) {
      return {
        ok: false,
        kind: 'retryable',
        message: `GET ${opts.baseUrl}${path}: ${(error as Error).message}`,
      };
    }
  };

  const ready = await get(opts.readyPath);
  if ('ok' in ready) return ready;
  if (ready.status !== 200) {
    return {
      ok: false,
      kind: 'retryable',
      message: `GET ${opts.baseUrl}${opts.readyPath} returned ${ready.status}, expected 200${ready.body ? `: ${snippet(ready.body)}` : ''}`,
    };
  }

  const info = await get(opts.infoPath);
  if ('ok' in info) return info;
  if (info.status !== 200) {
    return {
      ok: false,
      kind: 'retryable',
      message: `GET ${opts.baseUrl}${opts.infoPath} returned ${info.status}, expected 200${info.body ? `: ${snippet(info.body)}` : ''}`,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(info.body);
  } catch (error) {
    return {
      ok: false,
      kind: 'definitive',
      message: `GET ${opts.baseUrl}${opts.infoPath} returned 200 but not JSON (${(error as Error).message}): ${snippet(info.body)}`,
    };
  }
  const commit =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).commit : undefined;
  const version =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).version : undefined;
  if (typeof commit !== 'string' || commit === '') {
    return {
      ok: false,
      kind: 'definitive',
      message: `GET ${opts.baseUrl}${opts.infoPath} returned JSON without a "commit" string: ${snippet(info.body)}`,
    };
  }
  if (!sameCommit(commit, opts.expectedCommit)) {
    return {
      ok: false,
      kind: 'definitive',
      message: `wrong version behind the test listener: ${opts.infoPath} reports commit "${commit}" but this deployment is "${opts.expectedCommit}" (${opts.expectedCommitSource})`,
    };
  }
  return { ok: true, commit, version: typeof version === 'string' ? version : undefined };
}
