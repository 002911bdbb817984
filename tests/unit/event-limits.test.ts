import { describe, expect, it } from 'vitest';
import { boundEventFields, cutText, EVENT_TEXT_MAX_CHARS } from '../../shared/domain/event-limits';
import { compileRules, DEFAULT_RULES } from '../../shared/domain/mapping';
import { normalizeDeviceEvent } from '../../shared/domain/normalize';

describe('event limits', () => {
  it('keeps a text that fits as it is, to the last character', () => {
    const t = 'a'.repeat(EVENT_TEXT_MAX_CHARS);
    expect(cutText(t, EVENT_TEXT_MAX_CHARS)).toBe(t);
  });

  it('cuts a longer text at a word end near the limit, marked with "…", never longer than the limit', () => {
    const words = 'Loss of left TA MEP, surgeon notified. '.repeat(100);
    const cut = cutText(words, EVENT_TEXT_MAX_CHARS);
    expect(cut.length).toBeLessThanOrEqual(EVENT_TEXT_MAX_CHARS);
    expect(cut.length).toBeGreaterThan(EVENT_TEXT_MAX_CHARS - 200);
    expect(cut.endsWith('…')).toBe(true);
    expect(words.startsWith(cut.slice(0, -1))).toBe(true);
    expect(cut.at(-2)).not.toBe(' ');
    // One long word: cut inside it, at the limit.
    expect(cutText('x'.repeat(5000), 100)).toBe(`${'x'.repeat(99)}…`);
  });

  it('never splits a surrogate pair', () => {
    const cut = cutText(`${'x'.repeat(98)}🧬🧬🧬`, 100);
    expect(cut).toBe(`${'x'.repeat(98)}…`);
    expect(cut.length).toBeLessThanOrEqual(100);
  });

  it('says what it cut in lengths, never in words of the text', () => {
    const b = boundEventFields({ text: 'Testpatient '.repeat(300), modalityName: 'M'.repeat(500), raw: '08:00:00' });
    expect(b.cut).toBe('its text has 3,600 characters: the first 2,000 were kept; its modality name was cut to 200 characters');
    expect(b.cut).not.toContain('Testpatient');
    expect(b.raw).toBe('08:00:00');
    expect(boundEventFields({ text: 'Incision', modalityName: null, raw: null })).toEqual({ text: 'Incision', modalityName: null, raw: null, cut: null });
  });

  it('a device fact of any length becomes an event within the limit, read by the rules on what is kept', () => {
    const rules = compileRules(DEFAULT_RULES);
    const r = normalizeDeviceEvent({ wallClock: '2026-11-26T09:36:00', key: 'line:9', text: `Loss of R APB MEP ${'and more words '.repeat(10_000)}`, raw: '09:36:00' }, rules, 'UTC');
    if (!r.ok) throw new Error(r.reason);
    expect(r.events[0]?.kind).toBe('alert');
    expect(r.events[0]?.text.length).toBeLessThanOrEqual(EVENT_TEXT_MAX_CHARS);
    expect(r.cut).toMatch(/^its text has 150,017 characters: the first 2,000 were kept$/);
  });
});
