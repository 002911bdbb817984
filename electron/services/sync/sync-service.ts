/**
 * The contract's sync calls: status, join (enroll), send now. The engine itself runs in the
 * app's backend; a one-shot command (`closeout sync now`) drives one of its own.
 */
import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import type { SyncStatus } from '../../../shared/domain/sync';
import type { ServiceContext } from '../context';
import { AppError } from '../store/store-errors';
import { PracticeServerError } from './practice-client';

const OFF: SyncStatus = { state: 'off', waiting: 0, unreachableSince: null, lastSyncedAt: null, server: null, problem: null };

export async function getSyncStatus(ctx: ServiceContext): Promise<ResultOf<'getSyncStatus'>> {
  return (await ctx.loadSync?.())?.status() ?? OFF;
}

export async function enrollSync(ctx: ServiceContext, a: ArgsOut<'enrollSync'>): Promise<ResultOf<'enrollSync'>> {
  const engine = await ctx.loadSync?.();
  if (!engine) throw new AppError('UNAVAILABLE', 'Sync is not available in this process.');
  if (!/^https:\/\//i.test(a.url)) throw new AppError('BAD_INPUT', 'The practice server address starts with https://.', { url: 'Use https://' });
  try {
    await engine.enroll(a);
  } catch (e) {
    if (e instanceof PracticeServerError) {
      // A wrong code, a wrong fingerprint, an unreachable address: each said plainly, and the
      // workstation stays as it was (nothing is sent before the server is the right one).
      throw new AppError(e.status === 0 && e.code === 'NETWORK' ? 'UNAVAILABLE' : 'BAD_INPUT', e.message);
    }
    throw e;
  }
  ctx.store.audit.append({ actor: ctx.actor, action: 'sync.enrolled', caseId: null, detail: { server: new URL(a.url).host } }, ctx.now());
  return engine.status();
}

export async function syncNow(ctx: ServiceContext): Promise<ResultOf<'syncNow'>> {
  return (await (await ctx.loadSync?.())?.syncNow()) ?? OFF;
}
