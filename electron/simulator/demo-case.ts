/**
 * The synthetic patient and case the simulator plays, taken from the app's own demo case so the
 * files it writes match the case a newcomer sees in the app. Every name and number is invented.
 */
import demoJson from '../../resources/demo/demo-case.json';

type DemoPerson = Readonly<{ key: string; lastName: string; firstName: string; credential: string | null }>;
type DemoFile = Readonly<{
  people: readonly DemoPerson[];
  case: Readonly<{
    patient: Readonly<{ lastName: string; firstName: string; mrn: string; dateOfBirth: string; sex: string }>;
    procedure: Readonly<{ description: string; levels: string }>;
    facility: string;
    orRoom: string;
    surgeon: string;
    technologist: string;
    physician: string;
  }>;
}>;

export type SimPerson = Readonly<{ lastName: string; firstName: string; credential: string | null }>;

export type SimCase = Readonly<{
  patient: Readonly<{ lastName: string; firstName: string; mrn: string; /** YYYY-MM-DD */ dateOfBirth: string; sex: 'F' | 'M' }>;
  procedure: string;
  levels: string;
  facility: string;
  orRoom: string;
  surgeon: SimPerson;
  technologist: SimPerson;
  physician: SimPerson;
}>;

const demo = demoJson as DemoFile;

function person(key: string): SimPerson {
  const p = demo.people.find((x) => x.key === key);
  if (!p) throw new Error(`demo-case.json names no person "${key}"`);
  return { lastName: p.lastName, firstName: p.firstName, credential: p.credential };
}

function sex(s: string): 'F' | 'M' {
  if (s === 'F' || s === 'M') return s;
  throw new Error(`demo-case.json: patient sex "${s}" is not F or M`);
}

export const DEMO_CASE: SimCase = {
  patient: { ...demo.case.patient, sex: sex(demo.case.patient.sex) },
  procedure: demo.case.procedure.description,
  levels: demo.case.procedure.levels,
  facility: demo.case.facility,
  orRoom: demo.case.orRoom,
  surgeon: person(demo.case.surgeon),
  technologist: person(demo.case.technologist),
  physician: person(demo.case.physician),
};
