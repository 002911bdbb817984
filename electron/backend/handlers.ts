import type { ArgsOut, Method, ResultOf } from '../../shared/contract/api';
import type { ServiceContext } from '../services/context';
import * as cases from '../services/cases/case-service';
import * as people from '../services/people/people-service';
import * as notes from '../services/events/notes-service';
import * as capture from '../services/capture/capture-handlers';
import * as report from '../services/report/report-service';
import * as users from '../services/users/users-service';
import * as ai from '../services/ai/ai-service';

export type Handlers = { [M in Method]: (ctx: ServiceContext, args: ArgsOut<M>) => ResultOf<M> | Promise<ResultOf<M>> };

/** Contract method → service function. `getStatus` is answered by the host itself. */
export const handlers: Omit<Handlers, 'getStatus'> = {
  listCases: cases.listCases,
  getCase: cases.getCase,
  createCase: cases.createCase,
  updateCase: cases.updateCase,
  setCaseStatus: cases.setCaseStatus,
  listEvents: notes.listEvents,
  addNote: notes.addNote,
  getTimeline: notes.getTimeline,
  dropMarker: notes.dropMarker,
  listPeople: people.listPeople,
  createPerson: people.createPerson,
  updatePerson: people.updatePerson,
  verifyAudit: (ctx) => ctx.store.audit.verify(),
  getReport: report.getReport,
  saveSection: report.saveSection,
  signReport: report.signReport,
  addAddendum: report.addAddendum,
  getAiStatus: ai.getAiStatus,
  saveAiSettings: ai.saveAiSettings,
  setAiKey: ai.setAiKey,
  startAiNarrative: ai.startAiNarrative,
  cancelAiNarrative: ai.cancelAiNarrative,
  getAiNarrative: ai.getAiNarrative,
  listUsers: users.listUsers,
  saveUser: users.saveUser,
  setUserPin: users.setUserPin,
  listSources: capture.listSources,
  saveSource: capture.saveSource,
  deleteSource: capture.deleteSource,
  listSerialPorts: capture.listSerialPorts,
  getCaptureStatus: capture.getCaptureStatus,
  listCaptureFiles: capture.listCaptureFiles,
  releaseHeldFile: capture.releaseHeldFile,
  listMappingRules: capture.listMappingRules,
  saveMappingRule: capture.saveMappingRule,
  deleteMappingRule: capture.deleteMappingRule,
};
