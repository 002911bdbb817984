/**
 * A fake Anthropic Messages API on 127.0.0.1:0, for the real SDK to talk to: POST /v1/messages,
 * plain JSON or server-sent events shaped like the API's (message_start, content_block_start,
 * ping, content_block_delta text deltas, content_block_stop, message_delta, message_stop).
 * It records every request (headers and raw body) so tests can search what would have left the
 * machine, and can fail on demand: 500, 529, a hang before any byte, or a stall mid-stream.
 *
 * Also here: the synthetic patient the AI tests use (invented, and obviously so).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CaseInputSchema, type CaseRecord } from '../../shared/domain/case';
import type { CaseEvent } from '../../shared/domain/event';
import type { Person } from '../../shared/domain/person';
import { buildCaseFacts, type CaseFacts } from '../../shared/report/facts';
import { buildDraft, type Draft } from '../../shared/report/draft';
import { ev, trials } from './events';
import type { AiFacts } from '../../shared/report/deidentify';
import { AI_SECTION_IDS } from '../../shared/report/ai-prompt';

export type RecordedRequest = Readonly<{
  method: string;
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  rawBody: string;
  /** Parsed JSON body, or null when it did not parse. */
  body: Record<string, unknown> | null;
}>;

/**
 * 'hang': never answer. 'stall': start the stream, send half the text, then go silent.
 * 'drop': start the stream, send half the text, then reset the connection.
 */
export type FakeFailure = 500 | 529 | 'hang' | 'stall' | 'drop';

export type FakeAnthropicOptions = {
  /** The answer text, or a function of the request (defaults to a short greeting). */
  reply?: string | ((req: RecordedRequest) => string);
  /** How the answer is cut into text deltas (default: 12-character pieces). */
  split?: (text: string) => string[];
  /** Pause before each text delta. */
  deltaDelayMs?: number;
  /** Failures to serve first, one per request, in order. */
  failures?: FakeFailure[];
  stopReason?: 'end_turn' | 'max_tokens' | 'refusal';
  /** When set, any other x-api-key gets a 401. */
  acceptKey?: string;
};

export type FakeAnthropic = {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** performance.now() right after each text delta was written, per streamed request. */
  readonly deltaWrittenAt: number[][];
  options: FakeAnthropicOptions;
  failNext(kind: FakeFailure, times?: number): void;
  close(): Promise<void>;
};

export function splitEvery(n: number): (text: string) => string[] {
  return (text) => {
    const out: string[] = [];
    for (let i = 0; i < text.length; i += n) out.push(text.slice(i, i + n));
    return out;
  };
}

const MODEL_FALLBACK = 'claude-sonnet-4-5';

/** The key as the SDK sends it: `x-api-key` (SDK 0.x) or `Authorization: Bearer` (SDK 1.x). */
export function apiKeyOf(r: RecordedRequest): string | null {
  const x = r.headers['x-api-key'];
  if (typeof x === 'string' && x !== '') return x;
  const auth = r.headers['authorization'];
  const m = typeof auth === 'string' ? /^Bearer\s+(\S+)$/.exec(auth) : null;
  return m ? m[1]! : null;
}

function errorBody(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_fake' });
}

function usage(input: number, output: number) {
  return { input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, cache_creation: null, inference_geo: null, output_tokens_details: null, server_tool_use: null, service_tier: 'standard' };
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const deltaWrittenAt: number[][] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let nextId = 1;
  const fake: FakeAnthropic = {
    url: '',
    requests,
    deltaWrittenAt,
    options: { ...options, failures: [...(options.failures ?? [])] },
    failNext(kind, times = 1) {
      for (let i = 0; i < times; i++) (fake.options.failures ??= []).push(kind);
    },
    close: async () => {},
  };

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> | null = null;
      try {
        body = JSON.parse(rawBody) as Record<string, unknown>;
      } catch {
        body = null;
      }
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers }, rawBody, body };
      requests.push(recorded);
      void serve(recorded, res);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const json = (res: http.ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake_${nextId++}` });
    res.end(text);
  };

  async function serve(r: RecordedRequest, res: http.ServerResponse) {
    if (r.method !== 'POST' || r.url.split('?')[0] !== '/v1/messages') return json(res, 404, errorBody('not_found_error', 'Not found'));
    const key = apiKeyOf(r);
    if (key === null || (fake.options.acceptKey !== undefined && key !== fake.options.acceptKey)) {
      return json(res, 401, errorBody('authentication_error', 'invalid x-api-key'));
    }
    if (typeof r.headers['anthropic-version'] !== 'string') return json(res, 400, errorBody('invalid_request_error', 'anthropic-version header is required'));
    const b = r.body;
    if (!b || typeof b['model'] !== 'string' || typeof b['max_tokens'] !== 'number' || !Array.isArray(b['messages'])) {
      return json(res, 400, errorBody('invalid_request_error', 'model, max_tokens and messages are required'));
    }

    const failure = fake.options.failures?.shift();
    if (failure === 500) return json(res, 500, errorBody('api_error', 'Internal server error'));
    if (failure === 529) return json(res, 529, errorBody('overloaded_error', 'Overloaded'));
    if (failure === 'hang') return; // the socket stays open, silent, until the client gives up

    const reply = fake.options.reply;
    const text = typeof reply === 'function' ? reply(r) : (reply ?? 'Hello from the fake.');
    const deltas = (fake.options.split ?? splitEvery(12))(text);
    const model = b['model'];
    const id = `msg_fake_${nextId++}`;
    const inputTokens = Math.ceil(r.rawBody.length / 4);
    const stopReason = fake.options.stopReason ?? 'end_turn';

    if (b['stream'] !== true) {
      return json(res, 200, JSON.stringify({ id, type: 'message', role: 'assistant', model, content: [{ type: 'text', text, citations: null }], stop_reason: stopReason, stop_sequence: null, stop_details: null, container: null, diagnostics: null, usage: usage(inputTokens, deltas.length) }));
    }

    const times: number[] = [];
    deltaWrittenAt.push(times);
    let closed = false;
    res.on('close', () => (closed = true));
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'request-id': `req_fake_${nextId++}` });
    const send = (event: string, data: unknown) => {
      if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send('message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model: typeof model === 'string' ? model : MODEL_FALLBACK, content: [], stop_reason: null, stop_sequence: null, stop_details: null, container: null, diagnostics: null, usage: usage(inputTokens, 1) } });
    send('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } });
    send('ping', { type: 'ping' });
    const stallAt = failure === 'stall' || failure === 'drop' ? Math.max(1, Math.floor(deltas.length / 2)) : Infinity;
    for (let i = 0; i < deltas.length; i++) {
      if (i === stallAt) {
        if (failure === 'drop') res.socket?.destroy();
        return; // silent from here on; the client's idle timeout must notice
      }
      await wait(fake.options.deltaDelayMs ?? 0);
      if (closed) return;
      send('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: deltas[i] } });
      times.push(performance.now());
    }
    send('content_block_stop', { type: 'content_block_stop', index: 0 });
    send('message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null, stop_details: null, container: null }, usage: { output_tokens: deltas.length, input_tokens: null, cache_creation_input_tokens: null, cache_read_input_tokens: null, server_tool_use: null, output_tokens_details: null } });
    send('message_stop', { type: 'message_stop' });
    if (!closed) res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
  return fake;
}

// ---------------------------------------------------------------------------------------------
// The synthetic patient
// ---------------------------------------------------------------------------------------------

/** Núñez, José: invented. His name, MRN and dates also appear inside free texts, on purpose. */
export const SYNTHETIC = {
  lastName: 'Núñez',
  firstName: 'José',
  mrn: 'MX-0077',
  dateOfBirth: '1966-03-14',
  /** The events helper's day (T0 = 2026-11-26 08:00 UTC). */
  dateOfService: '2026-11-26',
  facility: 'Hospital Sintético del Norte',
  surgeon: { first: 'Ada', last: 'Quillfeather', npi: '1000000012' },
  technologist: { first: 'Ines', last: 'Voltaic', npi: null },
  physician: { first: 'Luigi', last: 'Galvanetti', npi: '1234567893' },
} as const;

/** Every written form of the synthetic patient's identifiers a leak could take. */
export const SYNTHETIC_LEAK_FORMS: readonly string[] = [
  'Núñez', 'Nunez', 'NUNEZ', 'NÚÑEZ', 'nunez', 'José', 'Jose', 'JOSE',
  'MX-0077', 'MX0077', 'mx0077', 'MX 0077', 'MX-77', 'MX77',
  '1966-03-14', '03/14/1966', '3/14/1966', '14.03.1966', '14/03/1966', '14-MAR-1966', '14 Mar 1966', 'March 14, 1966', '19660314', '03/14/66',
  '2026-11-26', '11/26/2026', '26.11.2026', '26/11/2026', '26-NOV-2026', '26 Nov 2026', 'November 26, 2026', '20261126', '11/26/26',
  'Quillfeather', 'Voltaic', 'Galvanetti', '1000000012', '1234567893',
  'Hospital Sintético del Norte', 'Sintetico', 'OR 7',
];

function person(role: Person['role'], p: { first: string; last: string; npi: string | null }, credential: string): Person {
  return { id: `${role}-1`, role, lastName: p.last, firstName: p.first, credential, npi: p.npi, active: true, createdAt: 0, updatedAt: 0 };
}

export function syntheticRecord(patch: Record<string, unknown> = {}): CaseRecord {
  return {
    ...CaseInputSchema.parse({
      patient: { lastName: SYNTHETIC.lastName, firstName: SYNTHETIC.firstName, mrn: SYNTHETIC.mrn, dateOfBirth: SYNTHETIC.dateOfBirth, sex: 'M' },
      procedure: { description: 'L4-L5 posterior lumbar fusion (Núñez, José)', cpt: '22612', side: 'bilateral', levels: 'L4-L5' },
      dateOfService: SYNTHETIC.dateOfService,
      facility: SYNTHETIC.facility,
      orRoom: 'OR 7',
      readerLocation: 'remote',
      diagnosisCodes: ['M43.16'],
      anesthesia: { regimen: 'tiva', detail: 'Propofol/remifentanil; consent signed by José Núñez 14-MAR-1966' },
      ...patch,
    }),
    id: 'case-ai-1',
    status: 'capturing',
    timeZone: 'UTC',
    version: 1,
    createdAt: 0,
    updatedAt: 0,
  };
}

export const syntheticPeople = {
  surgeon: person('surgeon', SYNTHETIC.surgeon, 'MD'),
  technologist: person('technologist', SYNTHETIC.technologist, 'CNIM'),
  physician: person('physician', SYNTHETIC.physician, 'MD, PhD'),
};

/**
 * A lumbar fusion: SSEP (lower) and left TcMEP, one alert at 09:36 (80% drop), surgeon told at
 * 09:38, MAP raised to 85 mmHg at 09:39, recovered at 09:52; closing at baseline.
 */
export function syntheticEvents(): CaseEvent[] {
  return [
    ev('baseline', 20, { modality: 'SSEP', text: 'Baseline lower SSEP obtained, good morphology (pt Nunez, MRN MX0077)' }),
    ...trials('SSEP', 25, 160, 2, { limb: 'lower', modalityName: 'Lower SSEP' }),
    ev('baseline', 22, { modality: 'TCMEP', text: 'Baseline TcMEP obtained' }),
    ...trials('TCMEP', 25, 160, 6, { side: 'left', modalityName: 'L MEP' }),
    ev('monitoring_start', 28, { text: 'Monitoring start' }),
    ev('milestone', 34, { text: 'Incision. Mr Nunez moved slightly; DOB 03/14/1966 re-checked' }),
    ev('milestone', 70, { text: 'Pedicle screws L4 and L5 placed' }),
    ev('vitals', 95, { text: 'MAP 58 mmHg' }),
    ev('alert', 96, { modality: 'TCMEP', side: 'left', limb: 'lower', text: 'Left TA TcMEP amplitude down 80% from baseline' }),
    ev('surgeon_notified', 98, { text: 'Dr. Quillfeather notified' }),
    ev('intervention', 99, { text: 'MAP raised to 85 mmHg, retractor released (per Ada Quillfeather)' }),
    ev('alert_resolved', 112, { modality: 'TCMEP', side: 'left', text: 'Left TA TcMEP back to baseline' }),
    ev('anesthesia_change', 60, { text: 'Propofol increased to 150 mcg/kg/min' }),
    ev('note', 100, { text: 'MRN MX0077 confirmed with JOSE NUNEZ wristband, DOS 11/26/2026' }),
    ev('milestone', 150, { text: 'Closure' }),
    ev('note', 160, { text: 'At closure all modalities at baseline' }),
    ev('monitoring_end', 163, { text: 'Monitoring end' }),
  ];
}

export type SyntheticCase = Readonly<{ record: CaseRecord; facts: CaseFacts; draft: Draft }>;

export function syntheticCase(patch: Record<string, unknown> = {}, events: CaseEvent[] = syntheticEvents()): SyntheticCase {
  const record = syntheticRecord(patch);
  const facts = buildCaseFacts({ record, people: syntheticPeople, events });
  return { record, facts, draft: buildDraft(facts) };
}

/**
 * A faithful answer for the synthetic case: every time, number, side and level from the record,
 * one `## id` block per section the model writes (AI_SECTION_IDS).
 */
export function faithfulNarrative(): string {
  // Times as the model is told to write them: minutes from monitoring start (08:28), "T+68" for 09:36.
  return [
    '## modalities',
    'Lower-limb SSEP and left TcMEP were monitored from T-3 to T+132.',
    '## anesthesia',
    'TIVA with propofol and remifentanil. At T+32 propofol was increased to 150 mcg/kg/min.',
    '## baselines',
    'At T-8 lower SSEP baselines were obtained with good morphology; TcMEP baselines followed at T-6.',
    '## events',
    'At T+68 the left tibialis anterior TcMEP amplitude fell 80% from baseline, with MAP 58 mmHg at T+67. The surgeon was notified at T+70. At T+71 MAP was raised to 85 mmHg and the retractor released. The response recovered at T+84, after 16 minutes.',
    '## closing',
    'At T+132 all modalities were at baseline.',
    '## interpretation',
    'SSEP and TcMEP were monitored. The left TcMEP change at T+68 recovered by T+84 after intervention. Interpretation to be confirmed by the interpreting physician.',
  ].join('\n');
}

/** The same answer with the clock times Closeout puts in place of its time tokens. */
export function faithfulNarrativeShown(): string {
  const at = (m: number) => `${String(Math.floor((28 + m + 8 * 60) / 60)).padStart(2, '0')}:${String((28 + m + 8 * 60) % 60).padStart(2, '0')}`;
  return faithfulNarrative().replace(/T([+-])(\d+)/g, (_, sign: string, n: string) => at(sign === '+' ? Number(n) : -Number(n)));
}

/**
 * A faithful model for any case: each narrative section written from the de-identified facts the
 * request carries (nothing else is there to write from), every time as its token ("T+45").
 */
export function narrateFacts(body: Record<string, unknown> | null): string {
  const user = String((body?.['messages'] as Array<{ content: string }> | undefined)?.[0]?.content ?? '');
  const start = user.indexOf('{');
  const end = user.indexOf('\n\nWrite these');
  const f = JSON.parse(user.slice(start, end)) as AiFacts;
  const t = (m: number) => (m < 0 ? `T-${-m}` : `T+${m}`);
  const NAMES: Record<string, string> = { SSEP: 'SSEP', TCMEP: 'TcMEP', EMG_FREE: 'free-run EMG', EMG_TRIGGERED: 'triggered EMG', TOF: 'train-of-four', EEG: 'EEG', DWAVE: 'D-wave' };
  const name = (m: string | null) => (m ? (NAMES[m] ?? m) : 'monitoring');
  const said = (terms: string) => (terms ? `: ${terms}` : '');
  const modalities = f.modalities.map((m) => `${name(m.modality)}${m.limb ? ` (${m.limb} limb)` : ''} ran from ${t(m.firstActivity)} to ${t(m.lastActivity)}, ${m.activeMinutes} min.`);
  const anesthesia = [f.anesthesia.regimen ? `Regimen: ${f.anesthesia.regimen}.` : 'Regimen not recorded.', ...f.anesthesia.changes.map((c) => `At ${t(c.minute)}${said(c.terms)}.`)];
  const baselines = f.modalities.flatMap((m) =>
    m.baselines.map((b) => `At ${t(b.minute)}, ${name(m.modality)} baseline${said(b.terms)}.${b.values.map((v) => ` ${v.peaks.map((p) => `${p.label} ${p.latencyMs} ms`).join(', ')}.`).join('')}`),
  );
  const head = f.changesFromBaseline === 'none recorded' ? 'No significant change from baseline was recorded.' : f.changesFromBaseline === 'cannot be stated' ? `Whether responses stayed at baseline cannot be stated: ${f.cannotBeStatedBecause.join('; ')}.` : 'Significant changes were recorded.';
  const events = [
    head,
    ...[
      ...f.milestones.map((m) => ({ minute: m.minute, text: `At ${t(m.minute)}${said(m.terms)}.` })),
      ...f.alerts.map((a) => ({
        minute: a.minute,
        text: [
          `At ${t(a.minute)} a significant change in ${name(a.modality)}${a.side ? `, ${a.side}` : ''}${said(a.terms)}${a.amplitudeDropPct !== null ? `, amplitude down ${a.amplitudeDropPct}%` : ''}.`,
          a.notified ? `The surgeon was notified at ${t(a.notified.minute)}.` : 'The time the surgeon was notified is not recorded.',
          ...a.interventions.map((i) => `At ${t(i.minute)}${said(i.terms)}.`),
          a.resolved ? `Recovered at ${t(a.resolved.minute)}${a.recoveryMinutes !== null ? ` after ${a.recoveryMinutes} min` : ''}.` : 'No recovery is recorded.',
        ].join(' '),
      })),
    ]
      .sort((x, y) => x.minute - y.minute)
      .map((x) => x.text),
  ];
  const closing = f.closing ? [`At ${t(f.closing.minute)}${said(f.closing.terms)}.`] : ['Closing status not recorded.'];
  const interpretation = [`${f.modalities.map((m) => name(m.modality)).join(', ') || 'No modality'} monitored.`, head];
  if (modalities.length === 0) modalities.push('No modality recordings were captured.');
  if (baselines.length === 0) baselines.push('No baseline was recorded.');
  const sections: Record<string, string[]> = { modalities, anesthesia, baselines, events, closing, interpretation };
  return AI_SECTION_IDS.flatMap((id) => [`## ${id}`, ...(sections[id] ?? [])]).join('\n');
}
