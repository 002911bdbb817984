import fs from 'node:fs';
import type { CaseFields, CaseRecord } from '../../../shared/domain/case';
import type { Person } from '../../../shared/domain/person';
import { sortCaseList } from '../../../shared/domain/case-list';
import { CASE_STATUSES, CASE_STATUS_LABELS, PAYER_TYPE_LABELS, READER_LOCATION_LABELS, SEX_LABELS, SIDE_LABELS, type CaseStatus } from '../../../shared/domain/vocabulary';
import { localIsoDate } from '../../../shared/util/time';
import { jsonOut, str, type Command } from '../command';
import { refuseUnknownArgs } from '../unknown-args';
import { batched, EXIT, inputBytes, jsonArg, printJson, readFileOrUsage, ResultError, table, UsageError, writePrivateFile } from '../io';

// The case file's codec and schema, and the people's schema module, load with the commands that
// use them: `closeout case list` must not build every schema of the case file first (#15).
const codec = () => import('../../../shared/casefile/codec');
const jsonSchema = () => import('../../../shared/casefile/json-schema');

export const caseCommands: readonly Command[] = [
  {
    words: ['case', 'new'],
    usage: "closeout case new --json '<case JSON>' | --json - | --file case.json",
    summary: 'Create a case; prints its ID.',
    options: { json: { type: 'string' }, file: { type: 'string' } },
    positionals: 0,
    async run({ io, session, values }) {
      const raw = str(values, 'json');
      const file = str(values, 'file');
      if (!raw && !file) throw new UsageError('Give the case as --json \'{...}\', --json - (standard input) or --file PATH.');
      const input = file ? await jsonArg(io, readFileOrUsage(file), 'case file') : await jsonArg(io, raw as string, 'case');
      await refuseUnknownArgs('createCase', input, 'a case', { after: 'Nothing was changed.' });
      const created = await session.call('createCase', input as never);
      io.stdout(`${created.id}\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['case', 'list'],
    usage: 'closeout case list [--search TEXT] [--limit N] [--json]',
    summary: "List cases, today's first.",
    options: { ...jsonOut, search: { type: 'string' }, limit: { type: 'string' } },
    positionals: 0,
    async run({ io, session, values }) {
      const limit = str(values, 'limit');
      const n = limit === undefined ? 200 : Number(limit);
      if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError('--limit must be a whole number from 1 to 1000.');
      const cases = sortCaseList(await session.call('listCases', { search: str(values, 'search') ?? '', limit: n }), localIsoDate(Date.now()));
      if (values['json']) printJson(io, cases);
      else if (cases.length === 0) io.stdout('No cases.\n');
      else
        io.stdout(
          table(
            cases.map((c) => [c.id, c.dateOfService, c.patientName, c.mrn, c.procedure, CASE_STATUS_LABELS[c.status]]),
            ['ID', 'Date', 'Patient', 'MRN', 'Procedure', 'Status'],
          ),
        );
      return EXIT.ok;
    },
  },
  {
    words: ['case', 'show'],
    usage: 'closeout case show ID [--json]',
    summary: 'Show one case with what it still lacks.',
    options: { ...jsonOut },
    positionals: 1,
    async run({ io, session, args, values }) {
      const detail = await session.call('getCase', { id: args[0] as string });
      if (values['json']) printJson(io, detail);
      else {
        io.stdout(describeCase(detail.case));
        const { personDisplayName } = await import('../../../shared/domain/person');
        const who = (p: Person | null) => (p ? personDisplayName(p) : '—');
        io.stdout(`Surgeon:        ${who(detail.people.surgeon)}\nTechnologist:   ${who(detail.people.technologist)}\nPhysician:      ${who(detail.people.physician)}\n`);
        io.stdout(detail.gaps.length ? `\nStill needed:\n${detail.gaps.map((g) => `  - ${g.message}`).join('\n')}\n` : '\nNothing missing from the case record.\n');
      }
      return EXIT.ok;
    },
  },
  {
    words: ['case', 'edit'],
    usage: "closeout case edit ID --json '<fields to change>' [--json-out]",
    summary: 'Change some fields of a case (the JSON is merged into the current record).',
    options: { json: { type: 'string' }, 'json-out': { type: 'boolean', default: false } },
    positionals: 1,
    async run({ io, session, args, values }) {
      const raw = str(values, 'json');
      if (!raw) throw new UsageError("Give the fields to change as --json '{...}'.");
      const patch = await jsonArg(io, raw, 'change');
      if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new UsageError('The change must be a JSON object.');
      await refuseUnknownArgs('updateCase', { fields: patch }, 'a case', { under: 'fields.', after: 'Nothing was changed.' });
      const { case: current } = await session.call('getCase', { id: args[0] as string });
      const fields = deepMerge(editableFields(current), patch as Record<string, unknown>);
      const updated = await session.call('updateCase', { id: current.id, version: current.version, fields: fields as never });
      if (values['json-out']) printJson(io, updated);
      else io.stdout(`Updated ${updated.id} (version ${updated.version}).\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['case', 'status'],
    usage: `closeout case status ID ${CASE_STATUSES.slice(0, 3).join('|')} [--json]`,
    summary: 'Move a case: open, capturing or closed (re-open a closed case).',
    options: { ...jsonOut },
    positionals: 2,
    async run({ io, session, args, values }) {
      const status = args[1] as string;
      if (!(CASE_STATUSES as readonly string[]).includes(status)) throw new UsageError(`Unknown status "${status}". Use one of: open, capturing, closed.`);
      const updated = await session.call('setCaseStatus', { id: args[0] as string, status: status as CaseStatus });
      if (values['json']) printJson(io, updated);
      else io.stdout(`${updated.id} is now ${CASE_STATUS_LABELS[updated.status].toLowerCase()}.\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['case', 'export'],
    usage: 'closeout case export ID [--out FILE]',
    summary: 'Write a case with its people and all its events as a case file (JSON; to stdout unless --out).',
    options: { out: { type: 'string' } },
    positionals: 1,
    async run({ io, session, args, values }) {
      const file = await session.call('exportCaseFile', { caseId: args[0] as string });
      const { caseFileChunks } = await codec();
      const out = str(values, 'out');
      if (out === undefined) {
        for (const text of batched(caseFileChunks(file))) io.stdout(text);
      } else {
        writePrivateFile(out, caseFileChunks(file));
        io.stdout(`Exported case ${file.case.id} (${file.events.length} events, ${file.people.length} people) to ${out}.\n`);
      }
      return EXIT.ok;
    },
  },
  {
    words: ['case', 'import'],
    usage: 'closeout case import FILE|- [--as-new] [--json]',
    summary: 'Add the case in a case file to this workstation (--as-new: under a new case ID, to keep an existing copy).',
    options: { ...jsonOut, 'as-new': { type: 'boolean', default: false } },
    positionals: 1,
    async run({ io, session, args, values }) {
      const name = args[0] as string;
      const asNew = values['as-new'] === true;
      let r;
      try {
        // Streamed: a case file of any size is read in bounded memory.
        r = await session.importCaseFileStream(inputBytes(io, name), { asNew, name: name === '-' ? 'The input' : name });
      } catch (e) {
        if (e instanceof ResultError && e.result.code === 'CONFLICT') {
          throw new ResultError({ ...e.result, message: `${e.result.message}\nTo keep both, run: closeout case import ${name} --as-new` });
        }
        throw e;
      }
      if (values['json']) printJson(io, r);
      else {
        const people = r.peopleCreated + r.peopleMatched === 0 ? 'no people' : `people: ${r.peopleMatched} already here, ${r.peopleCreated} added`;
        io.stdout(`Imported case ${r.caseId} (${CASE_STATUS_LABELS[r.status].toLowerCase()}): ${r.events} events; ${people}.\n`);
        for (const note of r.notes) io.stdout(`Note: ${note}\n`);
      }
      return EXIT.ok;
    },
  },
  {
    words: ['case', 'schema'],
    usage: 'closeout case schema [--out FILE]',
    summary: 'Print the JSON Schema of case files (the repository keeps it in docs/case-file.schema.json).',
    options: { out: { type: 'string' } },
    positionals: 0,
    async run({ io, values }) {
      const out = str(values, 'out');
      const { caseFileJsonSchemaText } = await jsonSchema();
      if (out === undefined) io.stdout(caseFileJsonSchemaText());
      else {
        try {
          fs.writeFileSync(out, caseFileJsonSchemaText());
        } catch {
          throw new UsageError(`Cannot write ${out}. Check that the folder exists and that you may write to it.`);
        }
        io.stdout(`Wrote the case file schema to ${out}.\n`);
      }
      return EXIT.ok;
    },
  },
];

export function editableFields(c: CaseRecord): CaseFields {
  const { id: _id, status: _s, timeZone: _t, version: _v, createdAt: _c, updatedAt: _u, ...fields } = c;
  return fields;
}

function deepMerge(base: unknown, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    const cur = out[k];
    out[k] =
      v !== null && typeof v === 'object' && !Array.isArray(v) && cur !== null && typeof cur === 'object' && !Array.isArray(cur)
        ? deepMerge(cur, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function describeCase(c: CaseRecord): string {
  const p = c.patient;
  const lines = [
    `Case ${c.id}  [${CASE_STATUS_LABELS[c.status]}]`,
    `Patient:        ${p.lastName}, ${p.firstName}   MRN ${p.mrn}   DOB ${p.dateOfBirth}   ${SEX_LABELS[p.sex]}`,
    `Procedure:      ${c.procedure.description}${c.procedure.cpt ? ` (CPT ${c.procedure.cpt})` : ''}`,
    `Side / levels:  ${c.procedure.side ? SIDE_LABELS[c.procedure.side] : '—'} / ${c.procedure.levels || '—'}`,
    `Date of service ${c.dateOfService}   ${c.facility || '—'} ${c.orRoom}`.trimEnd(),
    `Payer:          ${c.payer.type ? PAYER_TYPE_LABELS[c.payer.type] : '—'} ${c.payer.name}`.trimEnd(),
    `Place of svc:   ${c.placeOfService ?? '—'}`,
    `Reader:         ${c.readerLocation ? READER_LOCATION_LABELS[c.readerLocation] : '—'}`,
    `Diagnoses:      ${c.diagnosisCodes.join(', ') || '—'}`,
  ];
  return `${lines.join('\n')}\n`;
}
