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
  'listEvents',
  'addNote',
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
] as const satisfies readonly Method[];
