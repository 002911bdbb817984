/**
 * `closeout capture`: capture headless (no window) into a case until interrupted, with the same
 * watcher and serial reader as the app. Sources given on the command line are added to the
 * workstation's list (or reused when already there); every enabled source feeds the case.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ArgsIn } from '../../../shared/contract/api';
import type { SourceStatus } from '../../../shared/domain/capture-source';
import { str, type Command, type Values } from '../command';
import { EXIT, parseJsonText, printJson, UsageError } from '../io';

type SourceArg = ArgsIn<'saveSource'>['source'];

export const captureCommands: readonly Command[] = [
  {
    words: ['capture'],
    usage: 'closeout capture --case ID [--watch DIR [--format F] [--zone Z]]... [--serial PATH [--baud N] [--framing lines|mllp|hl7-lines] [--profile FILE.json]]... [--json]',
    summary: 'Capture into a case without the window until Ctrl-C (folders and serial ports).',
    options: {
      case: { type: 'string' },
      watch: { type: 'string', multiple: true },
      format: { type: 'string' },
      zone: { type: 'string' },
      serial: { type: 'string', multiple: true },
      baud: { type: 'string', multiple: true },
      framing: { type: 'string', multiple: true },
      profile: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      'exit-when-idle': { type: 'boolean', default: false },
    },
    positionals: 0,
    async run({ io, session, values }) {
      const caseId = str(values, 'case');
      if (!caseId) throw new UsageError('Say which case to capture into: --case ID ("closeout case list" shows the IDs).');
      const sources = sourceArgs(values);
      session.enableCapture();
      const detail = await session.call('getCase', { id: caseId });
      const known = await session.call('listSources', {});
      for (const s of sources) {
        const same = known.find((k) => k.kind === s.kind && k.config.path === s.config.path);
        await session.call('saveSource', same ? { id: same.id, source: { ...s, name: same.name || s.name } } : { source: s });
      }
      const wasCapturing = detail.case.status === 'capturing';
      if (!wasCapturing) await session.call('setCaseStatus', { id: caseId, status: 'capturing' });
      const backend = await session.backend();
      const report = (list: readonly SourceStatus[]) => {
        if (values['json']) printJson(io, { sources: list });
        else for (const s of list) io.stdout(`[${new Date().toISOString().slice(11, 19)}] ${s.name || s.kind}: ${s.state} — ${s.message} (${s.events} events)\n`);
      };
      let last = '';
      const off = backend.onPush((m) => {
        if (m.name !== 'captureStatus') return;
        const key = JSON.stringify(m.payload.sources.map((s) => [s.state, s.message, s.events]));
        if (key !== last) {
          last = key;
          report(m.payload.sources);
        }
      });
      const oneShot = values['exit-when-idle'] === true;
      // Listening for Ctrl-C before saying it may be pressed: a signal sent the moment the line
      // appears must stop the capture, not kill the process mid-work.
      const stopped = waitForStop(oneShot ? () => backend.capture?.idle() ?? Promise.resolve() : null);
      io.stderr(`Capturing into ${detail.case.patient.lastName}, ${detail.case.patient.firstName} (${caseId}). Press Ctrl-C to stop.\n`);
      await stopped;
      // A one-shot read is of finished files: a last line without its line end is whole.
      if (oneShot) backend.capture?.completeFiles();
      off();
      if (!wasCapturing) await session.call('setCaseStatus', { id: caseId, status: 'open' });
      const events = await session.call('listEvents', { caseId, limit: 1 });
      io.stderr(`Stopped. The case has ${events.length ? 'its captured events' : 'no events yet'}; see "closeout events list ${caseId}".\n`);
      return EXIT.ok;
    },
  },
];

function sourceArgs(values: Values): SourceArg[] {
  const list = (k: string) => (Array.isArray(values[k]) ? (values[k] as string[]) : []);
  const zone = str(values, 'zone') ?? 'workstation';
  const out: SourceArg[] = [];
  for (const dir of list('watch')) {
    const abs = path.resolve(dir);
    if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) throw new UsageError(`${dir} is not a folder.`);
    out.push({ kind: 'folder', name: `CLI: ${path.basename(abs)}`, config: { path: abs, format: (str(values, 'format') ?? 'auto') as 'auto', timeZone: zone } });
  }
  const bauds = list('baud');
  const framings = list('framing');
  const profiles = list('profile');
  list('serial').forEach((port, i) => {
    const baud = Number(bauds[i] ?? bauds[0] ?? 9600);
    let lineProfile: Record<string, unknown> | null = null;
    const p = profiles[i];
    if (p) {
      let text: string;
      try {
        text = fs.readFileSync(p, 'utf8');
      } catch {
        throw new UsageError(`Cannot read the profile ${p}: it must be a JSON file.`);
      }
      lineProfile = parseJsonText(text, `profile ${p}`) as Record<string, unknown>;
    }
    const framing = (framings[i] ?? framings[0] ?? 'lines') as 'lines';
    if (!['lines', 'mllp', 'hl7-lines'].includes(framing)) throw new UsageError('--framing must be lines, mllp or hl7-lines.');
    out.push({ kind: 'serial', name: `CLI: ${port}`, config: { path: port, baudRate: baud, framing, timeZone: zone, lineProfile } });
  });
  return out;
}

/** Until SIGINT/SIGTERM (or, for scripts and tests, until every file is read). */
function waitForStop(idle: (() => Promise<void>) | null): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (idle) {
      // Give the watcher its initial scan, then wait for the queue to drain.
      setTimeout(() => void idle().then(done), 500);
    }
  });
}

