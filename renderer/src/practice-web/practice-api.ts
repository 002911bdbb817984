/**
 * The practice server's API from its own page: same origin, the session in an HttpOnly cookie
 * (this code never sees it), JSON both ways. Every failure is an ApiError with the server's
 * plain message.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The practice server cannot be reached. Check the network; this page tries again by itself.');
  }
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new ApiError(res.status, String(data.code ?? 'HTTP'), String(data.message ?? `The server answered ${res.status}.`));
  return data as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', path),
  post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
};

export type Account = Readonly<{ id: string; username: string; displayName: string; credential: string; npi: string | null; roles: readonly string[] }>;

export type { QueueEntry, WorklistClaim } from '../../../shared/domain/practice-server';

export type PracticeCaseList = Readonly<{ cases: ReadonlyArray<Readonly<{ caseId: string; workstation: string; status: string; dateOfService: string; patient: string; procedure: string; events: number; lastEventAt: number | null }>> }>;
