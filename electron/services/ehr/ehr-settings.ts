/** EHR destinations and letterhead: read by the worker and the PDF; changed by an administrator. */
import { EMPTY_EHR_SETTINGS, EhrSettingsSchema, type EhrSettings } from '../../../shared/ehr/settings';
import type { ServiceContext } from '../context';
import type { Sidecar } from './drop-folder';

const KEY = 'ehr.settings';

export function ehrSettings(ctx: ServiceContext): EhrSettings {
  const parsed = EhrSettingsSchema.safeParse(ctx.store.settings.get(KEY) ?? {});
  return parsed.success ? parsed.data : EMPTY_EHR_SETTINGS;
}

export function storeEhrSettings(ctx: ServiceContext, s: EhrSettings): void {
  ctx.store.settings.set(KEY, s);
}

/** What an indexer needs to file the PDF (PHI: written only into the hospital's own folder). */
export function sidecarFor(ctx: ServiceContext, caseId: string, version: number, sha256: string): Sidecar {
  const c = ctx.store.cases.get(caseId);
  const v = ctx.store.report.versions(caseId).find((x) => x.version === version);
  return {
    documentType: 'IONM report',
    caseId,
    version,
    kind: v?.kind ?? null,
    mrn: c?.patient.mrn ?? null,
    patientLastName: c?.patient.lastName ?? null,
    patientFirstName: c?.patient.firstName ?? null,
    dateOfBirth: c?.patient.dateOfBirth ?? null,
    dateOfService: c?.dateOfService ?? null,
    facility: c?.facility ?? null,
    signedBy: v?.signerName ?? null,
    signedAt: v ? new Date(v.signedAt).toISOString() : null,
    pdfSha256: sha256,
  };
}
