import { describe, expect, it } from 'vitest';
import { buildNarrativePrompt, createSectionStream, parseSectionHeader, type SectionUpdate } from '../../shared/report/ai-prompt';
import { guardRequest } from '../../shared/report/ai-guard';
import { deidentifyFacts, findIdentifiers, identifiersOf } from '../../shared/report/deidentify';
import { AI_SECTION_IDS } from '../../shared/report/ai-prompt';
import { SYNTHETIC_LEAK_FORMS, faithfulNarrative, syntheticCase, syntheticPeople } from '../helpers/fake-anthropic';

const c = syntheticCase();
const ids = identifiersOf(c.facts, { people: Object.values(syntheticPeople) });
const ai = deidentifyFacts(c.facts, new Map());

describe('buildNarrativePrompt', () => {
  it('asks for every section by id, in order, from the facts alone, times as tokens', () => {
    const p = buildNarrativePrompt(ai);
    expect(p.system).toContain('"## <section id>"');
    expect(p.system).toMatch(/Never add a finding/);
    expect(p.system).toMatch(/Write every time as its token, exactly: minute 45 is T\+45/);
    expect(p.user).toContain(`Write these 6 sections, in this order: ${AI_SECTION_IDS.join(', ')}.`);
    for (const id of AI_SECTION_IDS) expect(p.user).toContain(`- ${id} (`);
    expect(p.user).toContain('"minute": 68');
    // No draft text is sent: the model writes from the facts.
    expect(p.user).not.toContain('Significant change in TcMEP');
    expect(p.user).not.toMatch(/\d\d:\d\d/);
  });

  it('holds no identifier of the patient, the staff, the place or the dates', () => {
    const p = buildNarrativePrompt(ai);
    const all = `${p.system}\n${p.user}`;
    expect(SYNTHETIC_LEAK_FORMS.filter((f) => all.includes(f))).toEqual([]);
    expect(findIdentifiers(all, ids)).toEqual([]);
    expect(guardRequest({ system: p.system, messages: [{ role: 'user', content: p.user }] }, ids, p.constants).ok).toBe(true);
  });
});

describe('guardRequest', () => {
  it('refuses a body with an identifier anywhere, and says only what kind', () => {
    const p = buildNarrativePrompt(ai);
    const leaked = { system: p.system, messages: [{ role: 'user', content: `${p.user}\nNote:\nMr Nunez, DOB 14-MAR-1966` }] };
    const r = guardRequest(leaked, ids, p.constants);
    expect(r).toEqual({ ok: false, kinds: ['name', 'date', 'titled name'], count: 4 });
    expect(JSON.stringify(r)).not.toMatch(/nunez|1966/i);
  });

  it('refuses every Safe Harbor shape, whoever the case is about', () => {
    const p = buildNarrativePrompt(ai);
    const leaks: ReadonlyArray<readonly [string, string]> = [
      ['date', 'seen 12/04/2026'],
      ['date', 'on Dec 4'],
      ['phone', 'call (312) 555-0199'],
      ['phone', 'ext 555-0100'],
      ['email', 'a.b@example.org'],
      ['url', 'https://chart.example.org/x'],
      ['ip', 'from 10.0.0.17'],
      ['ssn', '123-45-6789'],
      ['long number', 'account 88812345'],
      ['address', '12 Oak Street'],
      ['age', '96 y.o.'],
      ['age', 'ninety-six'],
      ['titled name', 'Dr Hope'],
    ];
    for (const [kind, leak] of leaks) {
      const r = guardRequest({ system: p.system, messages: [{ role: 'user', content: `${p.user}\n${leak}` }] }, ids, p.constants);
      expect({ leak, r }).toEqual({ leak, r: expect.objectContaining({ ok: false, kinds: expect.arrayContaining([kind]) }) });
    }
  });
});

describe('guardRequest and ordinary-word names', () => {
  // A surgeon named Example, a physician named Case, a patient called Claude Standard: the
  // prompt's own wording ("for example", "Case facts", the model's name) must not count as a
  // leak, while the same words from the case's data still do.
  const odd = syntheticCase({ patient: { lastName: 'Standard', firstName: 'Claude', mrn: 'MX-0077', dateOfBirth: '1966-03-14', sex: 'M' } });
  const oddIds = identifiersOf(odd.facts, { people: [{ firstName: 'Ada', lastName: 'Example' }, { firstName: 'Ben', lastName: 'Case' }] });
  const oddAi = deidentifyFacts(odd.facts, new Map());
  const body = (p: ReturnType<typeof buildNarrativePrompt>, extra = '') => ({ model: 'claude-sonnet-5-5', system: p.system, messages: [{ role: 'user', content: p.user + extra }], stream: true });
  const constants = (p: ReturnType<typeof buildNarrativePrompt>) => [...p.constants, '"model":"claude-sonnet-5-5"', '"role":"user"'];

  it('passes the fixed wording of the prompt', () => {
    const p = buildNarrativePrompt(oddAi);
    expect(p.system).toMatch(/for example/);
    expect(guardRequest(body(p), oddIds).ok).toBe(false);
    expect(guardRequest(body(p), oddIds, constants(p)).ok).toBe(true);
  });

  it('still refuses those words where case data goes', () => {
    const p = buildNarrativePrompt(oddAi);
    expect(guardRequest(body(p, '\nSeen by Case.'), oddIds, constants(p))).toEqual({ ok: false, kinds: ['name'], count: 1 });
    const leakedFacts = buildNarrativePrompt({ ...oddAi, milestones: [{ minute: 1, terms: 'fusion for Claude' }] });
    expect(guardRequest(body(leakedFacts), oddIds, constants(leakedFacts)).ok).toBe(false);
  });
});

describe('parseSectionHeader', () => {
  it.each([
    ['## events', 'events'],
    ['##events', 'events'],
    ['## Events:', 'events'],
    ['  ## **events**', 'events'],
    ['## Intraoperative events', 'events'],
    ['## monitoring ', 'monitoring'],
    ['### events', null],
    ['## findings', null],
    ['# events', null],
    ['events', null],
  ] as const)('%j → %j', (line, id) => {
    expect(parseSectionHeader(line)).toBe(id);
  });
});

function run(deltas: readonly string[]) {
  const updates: SectionUpdate[] = [];
  const s = createSectionStream((u) => updates.push(u));
  for (const d of deltas) s.push(d);
  s.end();
  return { updates, result: s.result() };
}

describe('createSectionStream', () => {
  const answer = faithfulNarrative();
  const whole = run([answer]).result;

  it('splits an answer into its sections', () => {
    expect(whole.map((s) => s.id)).toEqual([...AI_SECTION_IDS]);
    expect(whole.find((s) => s.id === 'closing')?.text).toBe('At T+132 all modalities were at baseline.');
    expect(whole.every((s) => !s.text.includes('##'))).toBe(true);
  });

  it('gives the same sections whatever the cut: every cut point, and inside "## "', () => {
    for (let i = 0; i <= answer.length; i++) {
      expect(run([answer.slice(0, i), answer.slice(i)]).result).toEqual(whole);
    }
    for (const n of [1, 2, 3, 5, 7, 13]) {
      const deltas: string[] = [];
      for (let i = 0; i < answer.length; i += n) deltas.push(answer.slice(i, i + n));
      expect(run(deltas).result).toEqual(whole);
    }
    expect(run(['## eve', 'nts\nA', 't 09:36', '\n#', '# clos', 'ing\nDone.']).result).toEqual([
      { id: 'events', text: 'At 09:36' },
      { id: 'closing', text: 'Done.' },
    ]);
  });

  it('emits partial text before the line ends, then done once per section, in order', () => {
    const { updates } = run(['## events\nAt 09', ':36 the left', ' TcMEP fell.\nIt recovered.\n## clo', 'sing\nAt baseline.']);
    expect(updates).toEqual([
      { sectionId: 'events', text: 'At 09', done: false },
      { sectionId: 'events', text: 'At 09:36 the left', done: false },
      { sectionId: 'events', text: 'At 09:36 the left TcMEP fell.\nIt recovered.', done: false },
      { sectionId: 'events', text: 'At 09:36 the left TcMEP fell.\nIt recovered.', done: true },
      { sectionId: 'closing', text: 'At baseline.', done: false },
      { sectionId: 'closing', text: 'At baseline.', done: true },
    ]);
  });

  it('drops a preamble, keeps unknown "## " lines and "#" text, continues a section named twice', () => {
    const { result } = run(['Sure! Here is the report.\n', '## events\n#1 screw placed\n## findings\nnone\n## closing\nok\n## events\nmore']);
    expect(result).toEqual([
      { id: 'events', text: '#1 screw placed\n## findings\nnone\n\nmore' },
      { id: 'closing', text: 'ok' },
    ]);
  });

  it('handles CRLF-free trailing headers and an empty answer', () => {
    expect(run(['## events\nx\n## closing']).result).toEqual([
      { id: 'events', text: 'x' },
      { id: 'closing', text: '' },
    ]);
    expect(run([]).updates).toEqual([]);
  });
});
