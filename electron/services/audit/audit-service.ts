import type { ArgsOut, ResultOf } from '../../../shared/contract/api';
import { auditVerdict } from '../../../shared/domain/audit-judge';
import type { ServiceContext } from '../context';
import { checkSignedVersions } from './signed-check';

/**
 * `closeout audit verify`: the chain, its anchor, every signed version and the events behind it.
 * Reads only; exit 3 (in the CLI) when anything was found.
 */
export function verifyAudit(ctx: ServiceContext, a: ArgsOut<'verifyAudit'>): ResultOf<'verifyAudit'> {
  if (a.caseId) ctx.store.cases.mustGet(a.caseId);
  const chain = ctx.store.audit.verify();
  const signed = checkSignedVersions(ctx.store, a.caseId);
  const problems = [...chain.problems, ...signed.problems];
  return {
    intact: problems.length === 0,
    rows: chain.rows,
    firstBadSeq: chain.firstBadSeq,
    signedVersions: signed.versions,
    problems,
    notes: [...chain.notes, ...signed.notes],
    message: auditVerdict(chain.rows, signed.versions, problems),
  };
}
