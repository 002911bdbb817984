/**
 * A year of a busy workstation: 500 closed cases of 20,000 events each (10M events), made once and
 * kept in the temp folder (a marker says it is complete; anything else there is made again). On it,
 * the waits of the targets above: opening (a fresh `closeout status` against the same command on an
 * empty folder, paired), the case list from the command line (against `node -e 0`), the practice
 * dashboard, and the first report and claim of one case in a fresh backend; and the size on disk
 * per event, whole file and events table with its two indexes.
 *
 * The cases go through the real services where a workstation's do (created, closed: the report
 * times stamped and the claim indexed at close); their events are written straight to the store,
 * as capture writes them, in one transaction per case.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBackend } from '../backend/host';
import { Store } from '../services/store/store';
import { DB_FILE_NAME } from '../services/store/open-db';
import { median, type BenchRow } from './bench-row';
import { cleanEnv, closeoutBin, wallMs } from './fresh-process';

/** Bump when what is generated changes: an older kept database is then made again. */
const GENERATOR_VERSION = 1;
const MARKER = '.bench-complete';
const MIN = 60_000;

type Ok = { ok: true; value: unknown } | { ok: false; message: string };
async function ok<T>(p: Promise<Ok>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.message);
  return r.value as T;
}


/**
 * One case's events: monitoring start and end, SSEP and MEP trials spread over `hours`, baselines
 * early, an alert with the surgeon told and an intervention, a note an hour. Dedupe keys and raw
 * lines as a folder source writes them.
 */
function appendCaseEvents(store: Store, caseId: string, n: number, from: number, hours: number): void {
  const step = (hours * 3600_000) / n;
  const source = 'folder:bench-export';
  const base = { caseId, text: '', source, clockZone: 'America/Chicago', limb: null, modalityName: null, raw: null, payload: null } as const;
  const at = (i: number) => Math.round(from + i * step);
  store.events.insert({ ...base, kind: 'monitoring_start', modality: null, side: null, occurredAt: from - MIN, receivedAt: from - MIN, dedupeKey: 'start', text: 'Monitoring started' });
  for (let i = 0; i < n - 6; i++) {
    const mep = i % 5 === 0;
    const t = at(i);
    store.events.insert({
      ...base,
      kind: i === 10 || i === 11 ? 'baseline' : 'modality_activity',
      modality: mep ? 'TCMEP' : 'SSEP',
      side: mep ? (i % 10 === 0 ? 'left' : 'right') : 'bilateral',
      limb: mep ? 'lower' : 'upper',
      modalityName: mep ? 'L TA MEP' : 'Upper SSEP',
      occurredAt: t,
      receivedAt: t + 3,
      dedupeKey: `export.csv:${i + 2}`,
      raw: `${new Date(t).toISOString()},${mep ? 'MEP' : 'SSEP'},${(i % 97) + 40}.${i % 10}`,
      payload: { amplitudeUv: (i % 97) + 40, latencyMs: 20 + (i % 13) },
    });
  }
  const mid = from + (hours * 3600_000) / 2;
  store.events.insert({ ...base, kind: 'alert', modality: 'TCMEP', side: 'left', occurredAt: mid, receivedAt: mid, dedupeKey: 'alert-1', text: 'Left TA TcMEP amplitude down 80%' });
  store.events.insert({ ...base, kind: 'surgeon_notified', modality: null, side: null, occurredAt: mid + MIN, receivedAt: mid + MIN, dedupeKey: 'told-1', text: 'Surgeon told' });
  store.events.insert({ ...base, kind: 'intervention', modality: null, side: null, occurredAt: mid + 2 * MIN, receivedAt: mid + 2 * MIN, dedupeKey: 'int-1', text: 'MAP raised to 85' });
  store.events.insert({ ...base, kind: 'alert_resolved', modality: 'TCMEP', side: 'left', occurredAt: mid + 12 * MIN, receivedAt: mid + 12 * MIN, dedupeKey: 'alert-1-res', text: 'Returned to baseline' });
  const end = from + hours * 3600_000;
  store.events.insert({ ...base, kind: 'monitoring_end', modality: null, side: null, occurredAt: end, receivedAt: end, dedupeKey: 'end', text: 'Monitoring ended' });
}

/** Make the year in `dir` (emptied first); the marker is written last, so a half-made one is made again. */
async function makeYear(dir: string, cases: number, eventsPerCase: number): Promise<string[]> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const ids: string[] = [];
  const first = Date.UTC(2025, 11, 1);
  let backend = createBackend({ dataDir: dir, actor: 'bench', appVersion: '0.0.0-bench' });
  try {
    for (let i = 0; i < cases; i++) {
      const dos = new Date(first + Math.floor((i * 360) / cases) * 86_400_000).toISOString().slice(0, 10);
      const c = await ok<{ id: string }>(
        backend.call('createCase', {
          patient: { lastName: 'Yearpatient', firstName: `Synthetic${i}`, mrn: `SYN-Y${i}`, dateOfBirth: '1961-03-14', sex: i % 2 ? 'F' : 'M' },
          procedure: { description: 'Posterior lumbar fusion', cpt: '22633', side: 'bilateral', levels: 'L4-L5' },
          dateOfService: dos,
          facility: 'Synthetic General',
          orRoom: `OR ${(i % 6) + 1}`,
          payer: { type: i % 3 ? 'commercial' : 'medicare_ffs', name: i % 3 ? 'Synthetic Health' : 'Medicare Part B' },
          placeOfService: '21',
          diagnosisCodes: ['M43.16'],
          anesthesia: { regimen: 'tiva', detail: '' },
        }),
      );
      ids.push(c.id);
    }
  } finally {
    await backend.close();
  }
  const store = Store.open({ dataDir: dir });
  try {
    ids.forEach((id, i) => {
      const from = first + Math.floor((i * 360) / cases) * 86_400_000 + 13 * 3600_000;
      store.write(() => appendCaseEvents(store, id, eventsPerCase, from, 4 + (i % 4)));
    });
  } finally {
    store.close();
  }
  // Closed through the service, as the technologist closes: report times stamped, claim indexed.
  backend = createBackend({ dataDir: dir, actor: 'bench', appVersion: '0.0.0-bench' });
  try {
    for (const id of ids) await ok(backend.call('setCaseStatus', { id, status: 'closed' }));
  } finally {
    await backend.close();
  }
  fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({ version: GENERATOR_VERSION, cases, eventsPerCase, ids }));
  return ids;
}

function keptYear(dir: string, cases: number, eventsPerCase: number): string[] | null {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8')) as { version: number; cases: number; eventsPerCase: number; ids: string[] };
    return m.version === GENERATOR_VERSION && m.cases === cases && m.eventsPerCase === eventsPerCase ? m.ids : null;
  } catch {
    return null;
  }
}


/** The file's size, its events, and the bytes of the events table and each of its indexes (SQLite's dbstat). */
function eventBytes(dir: string): { file: number; events: number; parts: Array<{ name: string; bytes: number }> } {
  const store = Store.open({ dataDir: dir });
  try {
    const events = (store.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    let parts: Array<{ name: string; bytes: number }> = [];
    try {
      parts = store.db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat WHERE name IN ('events', 'events_dedupe', 'events_case_time') GROUP BY name ORDER BY bytes DESC").all() as typeof parts;
    } catch {
      parts = []; // dbstat not compiled in: the whole file is still reported
    }
    return { file: fs.statSync(path.join(dir, DB_FILE_NAME)).size, events, parts };
  } finally {
    store.close();
  }
}

export async function benchYear(opts: { cases?: number; eventsPerCase?: number; pairs?: number; runs?: number } = {}): Promise<BenchRow[]> {
  const cases = opts.cases ?? 500;
  const perCase = opts.eventsPerCase ?? 20_000;
  const pairs = opts.pairs ?? 9;
  const runs = opts.runs ?? 5;
  const dir = path.join(os.tmpdir(), `closeout-bench-year-${cases}x${perCase}`);
  const t0 = performance.now();
  const ids = keptYear(dir, cases, perCase) ?? (await makeYear(dir, cases, perCase));
  const made = performance.now() - t0;
  process.stderr.write(`bench: year database ${made > 5000 ? `made in ${(made / 1000).toFixed(0)} s` : 'kept from an earlier run'} (${dir})\n`);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'closeout-bench-year-empty-'));
  const rows: BenchRow[] = [];
  const label = `${cases} cases × ${perCase.toLocaleString('en-US')} events`;
  try {
    const bin = closeoutBin();
    const env = cleanEnv;
    wallMs([bin, 'status'], env(empty));
    wallMs([bin, 'status'], env(dir));

    // Opening: the same command on the year and on an empty folder, alternated.
    const open: number[] = [];
    const ownOpen: number[] = [];
    const emptyOpen: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const e = wallMs([bin, 'status'], env(empty));
      const y = wallMs([bin, 'status'], env(dir));
      open.push(y / e);
      ownOpen.push(y);
      emptyOpen.push(e);
    }
    const mo = median(open);
    rows.push({ measure: `Year (${label}): \`closeout status\` vs the same on an empty folder, ${pairs} alternated pairs`, target: '≤ 1.2×', median: `${mo.toFixed(2)}× (${median(ownOpen).toFixed(0)} ms vs ${median(emptyOpen).toFixed(0)} ms)`, pass: mo <= 1.2 });

    // The case list from the command line, against node -e 0 (target 1).
    const list: number[] = [];
    const ownList: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const b = wallMs(['-e', '0'], env(dir));
      const c = wallMs([bin, 'case', 'list', '--json'], env(dir));
      list.push(c / b);
      ownList.push(c);
      node.push(b);
    }
    const ml = median(list);
    rows.push({ measure: `Year: \`closeout case list --json\` (${cases} cases) vs \`node -e 0\`, ${pairs} alternated pairs`, target: '≤ 3×', median: `${ml.toFixed(1)}× (${median(ownList).toFixed(0)} ms vs ${median(node).toFixed(0)} ms)`, pass: ml <= 3 });

    // In a fresh backend each time: the dashboard, then the first report and claim of one case.
    const one = ids[Math.floor(ids.length / 2)] as string;
    const times: Record<'getDashboard' | 'getReport' | 'getClaim', number[]> = { getDashboard: [], getReport: [], getClaim: [] };
    for (let i = 0; i < runs; i++) {
      for (const method of ['getDashboard', 'getReport', 'getClaim'] as const) {
        const backend = createBackend({ dataDir: dir, actor: 'bench', appVersion: '0.0.0-bench' });
        try {
          const t = performance.now();
          await ok(backend.call(method, method === 'getDashboard' ? {} : { caseId: one }));
          times[method].push(performance.now() - t);
        } finally {
          await backend.close();
        }
      }
    }
    const md = median(times.getDashboard);
    rows.push({ measure: `Year: practice dashboard (getDashboard), fresh backend`, target: '≤ 1,500 ms', median: `${md.toFixed(0)} ms`, pass: md <= 1500 });
    for (const [what, m] of [['report (getReport)', median(times.getReport)], ['claim (getClaim)', median(times.getClaim)]] as const) {
      rows.push({ measure: `Year: first ${what} of one ${perCase.toLocaleString('en-US')}-event case, fresh backend`, target: '≤ 150 ms', median: `${m.toFixed(0)} ms`, pass: m <= 150 });
    }

    const size = eventBytes(dir);
    const perEvent = size.file / size.events;
    const parts = size.parts.map((p) => `${p.name} ${(p.bytes / size.events).toFixed(0)} B`).join(', ');
    rows.push({
      measure: `Year: size on disk per event (${(size.file / 2 ** 30).toFixed(2)} GiB / ${size.events.toLocaleString('en-US')} events${parts ? `; ${parts}` : ''})`,
      target: 'reported (see README)',
      median: `${perEvent.toFixed(0)} B`,
      pass: true,
    });
    return rows;
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
}
