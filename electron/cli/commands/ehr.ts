import { DELIVERY_STATE_LABELS, isFinal, isSuccess, type Delivery } from '../../../shared/ehr/delivery';
import { refuseUnknownArgs } from '../unknown-args';
import { jsonOut, str, type Command } from '../command';
import { EXIT, jsonArg, printJson, readFileOrUsage, table, UsageError, writePrivateFile } from '../io';

function deliveriesTable(ds: readonly Delivery[]): string {
  return table(
    ds.map((d) => [String(d.id), `v${d.version}`, d.destinationName, DELIVERY_STATE_LABELS[d.state], String(d.attempts), d.reference, d.message ?? '']),
    ['#', 'Version', 'Destination', 'State', 'Tries', 'Reference', 'Message'],
  );
}

export const ehrCommands: readonly Command[] = [
  {
    words: ['export'],
    usage: 'closeout export CASE_ID --pdf FILE [--json]',
    summary: 'Write the report as a PDF: the signed one as sent to the EHR, or a DRAFT before signing.',
    options: { ...jsonOut, pdf: { type: 'string' } },
    positionals: 1,
    async run({ io, session, args, values }) {
      const file = str(values, 'pdf');
      if (!file) throw new UsageError('Give the file to write: --pdf FILE.');
      const r = await session.call('exportPdf', { caseId: args[0] as string });
      writePrivateFile(file, [Buffer.from(r.base64, 'base64')]);
      const summary = { file, bytes: r.bytes, signed: r.signed, warnings: r.warnings };
      if (values['json']) printJson(io, summary);
      else io.stdout(`${r.signed ? 'Signed report' : 'DRAFT report (not signed yet)'} written to ${file} (${Math.round(r.bytes / 1024)} KB).\n`);
      for (const w of r.warnings) io.stderr(`Warning: ${w}\n`);
      return EXIT.ok;
    },
  },
  {
    words: ['send'],
    usage: 'closeout send CASE_ID [--to NAME]… [--wait SECONDS] [--json]',
    summary: 'Send the signed report to every EHR destination (or those named) and wait for the answers. Exit 0 when all acknowledged, 3 otherwise.',
    options: { ...jsonOut, to: { type: 'string', multiple: true }, wait: { type: 'string' } },
    positionals: 1,
    async run({ io, session, args, values }) {
      const caseId = args[0] as string;
      const waitRaw = str(values, 'wait');
      const waitS = waitRaw === undefined ? 120 : Number(waitRaw);
      if (!Number.isFinite(waitS) || waitS < 0 || waitS > 3600) throw new UsageError('--wait must be seconds, 0 to 3600.');
      session.enableDelivery();
      const before = new Set((await session.call('listDeliveries', { caseId })).map((d) => d.id));
      const to = values['to'] as string[] | undefined;
      await session.call('sendToEhr', { caseId, ...(to ? { destinations: to } : {}), wait: true });
      const deadline = Date.now() + waitS * 1000;
      let mine: Delivery[] = [];
      for (;;) {
        mine = (await session.call('listDeliveries', { caseId })).filter((d) => !before.has(d.id));
        if (mine.every((d) => isFinal(d.state)) || Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      if (values['json']) printJson(io, mine);
      else io.stdout(deliveriesTable(mine));
      const ok = mine.length > 0 && mine.every((d) => isSuccess(d.state));
      if (!ok && !values['json']) io.stderr(mine.some((d) => !isFinal(d.state)) ? 'Not every destination answered in time; Closeout keeps the rest queued and retries when the app runs.\n' : 'Not every destination has the report.\n');
      return ok ? EXIT.ok : EXIT.checkFailed;
    },
  },
  {
    words: ['deliveries'],
    usage: 'closeout deliveries CASE_ID [--json]',
    summary: "Where the case's report was sent, and what each destination answered.",
    options: { ...jsonOut },
    positionals: 1,
    async run({ io, session, args, values }) {
      const ds = await session.call('listDeliveries', { caseId: args[0] as string });
      if (values['json']) printJson(io, ds);
      else io.stdout(ds.length ? deliveriesTable(ds) : 'Not sent yet.\n');
      return EXIT.ok;
    },
  },
  {
    words: ['ehr', 'show'],
    usage: 'closeout ehr show [--json]',
    summary: 'The EHR destinations (drop folders, HL7 receivers) and the letterhead.',
    options: { ...jsonOut },
    positionals: 0,
    async run({ io, session, values }) {
      const s = await session.call('getEhrSettings', {});
      if (values['json']) printJson(io, s);
      else {
        io.stdout(`Letterhead: ${s.letterhead.practiceName || '—'}\n`);
        io.stdout(s.destinations.length ? table(s.destinations.map((d) => [d.id, d.name, d.kind, d.enabled ? 'on' : 'off', d.kind === 'folder' ? d.path : `${d.host}:${d.port}${d.tls ? ' (TLS)' : ''}`]), ['ID', 'Name', 'Kind', 'On', 'Where']) : 'No destinations.\n');
      }
      return EXIT.ok;
    },
  },
  {
    words: ['ehr', 'set'],
    usage: 'closeout ehr set --user ADMIN --settings FILE [--json]   (PIN on standard input)',
    summary: 'Replace the EHR settings (destinations, letterhead) with a JSON file (administrators).',
    options: { ...jsonOut, user: { type: 'string' }, settings: { type: 'string' } },
    positionals: 0,
    async run({ io, session, values }) {
      const user = str(values, 'user');
      const file = str(values, 'settings');
      if (!user || !file) throw new UsageError('Give --user ADMIN and --settings FILE; the PIN comes on standard input.');
      const settings = await jsonArg(io, readFileOrUsage(file), 'settings file');
      await refuseUnknownArgs('saveEhrSettings', { settings }, 'an EHR settings', { under: 'settings.', after: 'Nothing was saved.' });
      const pin = (await io.readStdin()).replace(/\r?\n$/, '');
      const s = await session.call('saveEhrSettings', { settings: settings as never, userId: user, pin });
      if (values['json']) printJson(io, s);
      else io.stdout(`Saved: ${s.destinations.length} destination${s.destinations.length === 1 ? '' : 's'}.\n`);
      return EXIT.ok;
    },
  },
];
