/**
 * The contract's method names as plain data, for the sandboxed preload: it must stay one small
 * self-contained file, so it takes the names without pulling zod into the bundle.
 * A unit test asserts this list equals `Object.keys(api)`.
 */
import type { Method } from './api';

export const METHODS = [
  'getStatus',
  'listCases',
  'getCase',
  'createCase',
  'updateCase',
  'setCaseStatus',
  'exportCaseFile',
  'importCaseFile',
  'listEvents',
  'addNote',
  'addEntry',
  'acceptNoteReading',
  'getTimeline',
  'dropMarker',
  'listPeople',
  'createPerson',
  'updatePerson',
  'verifyAudit',
  'getReport',
  'saveSection',
  'signReport',
  'addAddendum',
  'getAiStatus',
  'saveAiSettings',
  'setAiKey',
  'startAiNarrative',
  'cancelAiNarrative',
  'getAiNarrative',
  'getClaim',
  'saveBillingDetails',
  'overrideClaim',
  'exportCharges',
  'claimFromCaseFile',
  'sendToEhr',
  'listDeliveries',
  'exportPdf',
  'getEhrSettings',
  'saveEhrSettings',
  'getBillingSettings',
  'saveBillingSettings',
  'listUsers',
  'saveUser',
  'setUserPin',
  'listSources',
  'saveSource',
  'deleteSource',
  'listSerialPorts',
  'getCaptureStatus',
  'listCaptureFiles',
  'releaseHeldFile',
  'listMappingRules',
  'saveMappingRule',
  'deleteMappingRule',
  'getDashboard',
  'getSyncStatus',
  'enrollSync',
  'syncNow',
] as const satisfies readonly Method[];

const METHOD_SET: ReadonlySet<string> = new Set(METHODS);

/** A contract method's name, checked without loading the contract's schemas. */
export function isMethodName(name: unknown): name is Method {
  return typeof name === 'string' && METHOD_SET.has(name);
}
