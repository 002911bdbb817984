import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../shared/domain/timeline';
import { at, ev, trials } from '../helpers/events';

const kinds = (t: ReturnType<typeof buildTimeline>) => t.issues.map((i) => i.kind);

describe('timeline', () => {
  it('says plainly when nothing was captured', () => {
    const t = buildTimeline([]);
    expect(t.issues).toEqual([{ kind: 'no_events', message: 'No events were captured for this case.', eventIds: [] }]);
    expect(t.monitoring).toMatchObject({ start: null, end: null, monitoredMs: 0, derived: true });
  });

  it('builds one lane per modality and limb, joining trials into active stretches', () => {
    const events = [
      ev('baseline', 20, { modality: 'SSEP', limb: 'lower', side: 'bilateral', modalityName: 'Lower SSEP' }),
      ...trials('SSEP', 30, 60, 2, { limb: 'lower', modalityName: 'Lower SSEP' }),
      // 30-minute pause, then again: a second stretch.
      ...trials('SSEP', 90, 100, 2, { limb: 'lower' }),
      ev('baseline', 22, { modality: 'TCMEP', limb: 'lower', side: 'left', modalityName: 'L MEP' }),
      ...trials('TCMEP', 30, 100, 5, { limb: 'lower', side: 'left', modalityName: 'L MEP' }),
    ];
    const t = buildTimeline(events);
    expect(t.lanes.map((l) => l.key)).toEqual(['SSEP:lower', 'TCMEP:lower']);
    const ssep = t.lanes[0]!;
    expect(ssep.intervals.map((i) => [i.start, i.end])).toEqual([
      [at(20), at(60)],
      [at(90), at(100)],
    ]);
    expect(ssep.activeMs).toBe(50 * 60_000);
    expect(ssep.names).toEqual(['Lower SSEP']);
    expect(ssep.baselines).toEqual([{ at: at(20), eventId: events[0]!.id, text: '', side: 'bilateral', setup: null }]);
    expect(t.lanes[1]!.sides).toEqual(['left']);
    expect(t.lanes[1]!.intervals).toHaveLength(1);
  });

  it('uses explicit monitoring start/end and supports split, interrupted monitoring', () => {
    const t = buildTimeline([
      ev('monitoring_start', 30),
      ...trials('TCMEP', 30, 80, 5),
      ev('monitoring_end', 80),
      ev('monitoring_start', 120),
      ...trials('TCMEP', 120, 150, 5),
      ev('monitoring_end', 150),
      ev('baseline', 25, { modality: 'TCMEP' }),
    ]);
    expect(t.monitoring.derived).toBe(false);
    expect(t.monitoring.segments.map((s) => [s.start, s.end])).toEqual([
      [at(30), at(80)],
      [at(120), at(150)],
    ]);
    expect(t.monitoring.monitoredMs).toBe(80 * 60_000);
    expect(kinds(t)).toEqual([]);
  });

  it('takes who was told from the other hand\'s notification of the same alert, minutes apart', () => {
    const site = { modality: 'TCMEP', side: 'left', limb: 'lower' } as const;
    const alert = ev('alert', 96, { ...site, text: 'Left TA TcMEP down 80%' });
    const device = ev('surgeon_notified', 97, { text: 'Surgeon notified of left TA MEP change.' });
    const typed = (minute: number) => ev('surgeon_notified', minute, { source: 'keyboard', text: 'Surgeon notified: Dr Sam Sample', payload: { entry: { kind: 'surgeon_notified', who: 'Dr Sam Sample', role: 'surgeon' } } });
    const base = [ev('monitoring_start', 30), ev('baseline', 25, { modality: 'TCMEP', limb: 'lower' }), ev('monitoring_end', 160)];
    const named = typed(98);
    expect(buildTimeline([...base, alert, device, named]).alerts[0]!.notified).toEqual({ at: at(97), eventId: device.id, who: 'Dr Sam Sample, surgeon', whoEventId: named.id });
    // Not the same notification: too far apart, or the same hand twice.
    expect(buildTimeline([...base, alert, device, typed(120)]).alerts[0]!.notified).toEqual({ at: at(97), eventId: device.id, who: null });
    const deviceNamed = ev('surgeon_notified', 98, { text: 'Notified Dr Sam Sample (surgeon)' });
    expect(buildTimeline([...base, alert, device, deviceNamed]).alerts[0]!.notified).toEqual({ at: at(97), eventId: device.id, who: null });
  });

  it('keeps the other hand\'s recovery that says a different outcome, and drops one that agrees', () => {
    const site = { modality: 'TCMEP', side: 'left', limb: 'lower' } as const;
    const alert = ev('alert', 96, { ...site, text: 'Left TA TcMEP down 80%' });
    const device = ev('alert_resolved', 112, { ...site, text: 'Left TA TcMEP back to baseline' });
    const typed = (recovery: 'full' | 'partial' | 'none', minute = 113) =>
      ev('alert_resolved', minute, { ...site, source: 'keyboard', text: 'Left lower limb TcMEP', payload: { entry: { kind: 'alert_resolved', recovery } } });
    const base = [ev('monitoring_start', 30), ev('baseline', 25, { modality: 'TCMEP', limb: 'lower' }), ev('monitoring_end', 160)];
    const partial = typed('partial');
    expect(buildTimeline([...base, alert, device, partial]).alerts[0]).toMatchObject({ outcome: 'recovered', resolved: { eventId: device.id }, otherOutcome: { at: at(113), eventId: partial.id, outcome: 'partial', typed: true } });
    // Typed first (the export arrives later): the same, the other way round.
    const early = typed('partial', 110);
    expect(buildTimeline([...base, alert, early, device]).alerts[0]).toMatchObject({ outcome: 'partial', resolved: { eventId: early.id }, otherOutcome: { eventId: device.id, outcome: 'recovered', typed: false } });
    expect(buildTimeline([...base, alert, device, typed('full')]).alerts[0]!.otherOutcome).toBeNull();
    expect(buildTimeline([...base, alert, device, typed('none', 140)]).alerts[0]!.otherOutcome).toBeNull();
  });

  it('takes monitoring marked by both hands (the technologist\'s keys and the device\'s markers) as one period', () => {
    const typed = { source: 'keyboard' } as const;
    const t = buildTimeline([ev('monitoring_start', 28, typed), ev('monitoring_start', 30), ...trials('TCMEP', 30, 80, 5), ev('monitoring_end', 80), ev('monitoring_end', 83, typed)]);
    expect(t.monitoring.segments.map((s) => [s.start, s.end])).toEqual([[at(28), at(80)]]);
    expect(kinds(t).filter((k) => k.startsWith('monitoring'))).toEqual([]);
    // An end with no start that is not the other hand's mark of the same end is still said.
    const ends = (t: ReturnType<typeof buildTimeline>) => kinds(t).filter((k) => k.startsWith('monitoring'));
    expect(ends(buildTimeline([ev('monitoring_start', 28), ...trials('TCMEP', 30, 80, 5), ev('monitoring_end', 80), ev('monitoring_end', 83)]))).toEqual(['monitoring_end_without_start']);
    expect(ends(buildTimeline([ev('monitoring_start', 28), ...trials('TCMEP', 30, 80, 5), ev('monitoring_end', 80), ev('monitoring_end', 120, typed)]))).toEqual(['monitoring_end_without_start']);
  });

  it('derives monitoring from activity (baselines excluded) when no markers exist, and says so', () => {
    const t = buildTimeline([ev('baseline', 10, { modality: 'SSEP' }), ...trials('SSEP', 25, 95, 5)]);
    expect(t.monitoring).toMatchObject({ derived: true, start: at(25), end: at(95), monitoredMs: 70 * 60_000 });
    expect(t.issues.find((i) => i.kind === 'no_monitoring_markers')?.message).toBe(
      'No monitoring start or end was recorded; monitoring time is taken from modality activity (08:25–09:35). Confirm it.',
    );
  });

  it('quotes times in the case zone', () => {
    const t = buildTimeline([ev('baseline', 10, { modality: 'SSEP' }), ...trials('SSEP', 25, 95, 5)], { timeZone: 'America/Chicago' });
    expect(t.issues.find((i) => i.kind === 'no_monitoring_markers')?.message).toContain('(02:25–03:35)');
  });

  it('follows an alert through notification, interventions and recovery', () => {
    const alert = ev('alert', 96, { modality: 'TCMEP', side: 'left', limb: 'lower', text: 'L TA MEP down 80%' });
    const notified = ev('surgeon_notified', 97);
    const map = ev('intervention', 98, { text: 'MAP raised to 85' });
    const retractor = ev('intervention', 100, { text: 'Retractor released' });
    const recovered = ev('alert_resolved', 112, { modality: 'TCMEP', side: 'left', text: 'back to baseline' });
    const t = buildTimeline([ev('monitoring_start', 30), ev('baseline', 25, { modality: 'TCMEP', limb: 'lower' }), alert, notified, map, retractor, recovered, ev('monitoring_end', 160)]);
    expect(t.alerts).toEqual([
      {
        eventId: alert.id,
        at: at(96),
        modality: 'TCMEP',
        side: 'left',
        limb: 'lower',
        text: 'L TA MEP down 80%',
        notified: { at: at(97), eventId: notified.id, who: null },
        interventions: [
          { at: at(98), eventId: map.id, text: 'MAP raised to 85' },
          { at: at(100), eventId: retractor.id, text: 'Retractor released' },
        ],
        resolved: { at: at(112), eventId: recovered.id, text: 'back to baseline' },
        alsoRecorded: null,
        outcome: 'recovered',
        otherOutcome: null,
        recoveryMs: 16 * 60_000,
      },
    ]);
  });

  it('takes the technologist\'s alert and the device\'s for the same site, minutes apart, as one change', () => {
    const site = { modality: 'TCMEP', side: 'left', limb: 'lower' } as const;
    const device = ev('alert', 96, { ...site, text: 'Left TA TcMEP amplitude down 80% from baseline' });
    const typed = ev('alert', 97, { ...site, source: 'keyboard', text: 'Left tibialis anterior TcMEP amplitude down 80% from baseline' });
    const told = ev('surgeon_notified', 98, { source: 'keyboard' });
    const back = ev('alert_resolved', 112, { ...site, text: 'Left TA TcMEP back to baseline' });
    const base = [ev('monitoring_start', 30), ev('baseline', 25, { modality: 'TCMEP', limb: 'lower' }), ev('monitoring_end', 160)];
    const t = buildTimeline([...base, device, typed, told, back]);
    expect(t.alerts).toHaveLength(1);
    expect(t.alerts[0]).toMatchObject({ eventId: device.id, at: at(96), alsoRecorded: { at: at(97), eventId: typed.id, typed: true }, notified: { eventId: told.id }, resolved: { eventId: back.id }, outcome: 'recovered' });
    // Typed first, the export's later: the same, the other way round.
    const early = ev('alert', 95, { ...site, source: 'keyboard', text: 'L TA MEP down' });
    expect(buildTimeline([...base, early, device, back]).alerts.map((a) => [a.eventId, a.alsoRecorded?.eventId])).toEqual([[early.id, device.id]]);
    // Not one change: two from the device, another side, or more than ten minutes apart.
    const again = ev('alert', 99, { ...site, text: 'Left TA TcMEP down again' });
    expect(buildTimeline([...base, device, again]).alerts).toHaveLength(2);
    expect(buildTimeline([...base, device, ev('alert', 97, { ...site, side: 'right', source: 'keyboard', text: 'R TA' })]).alerts).toHaveLength(2);
    expect(buildTimeline([...base, device, ev('alert', 107, { ...site, source: 'keyboard', text: 'L TA' })]).alerts).toHaveLength(2);
  });

  it('names who was told by name and role only where the text puts a name beside the notification', () => {
    const who = (text: string) => buildTimeline([ev('alert', 40, { modality: 'TCMEP', text: 'L TA TcMEP down 60%' }), ev('surgeon_notified', 41, { text })]).alerts[0]!.notified?.who;
    expect(who('Alert: left deltoid TcMEP down 60%, surgeon Dr Sample notified')).toBe('Dr Sample, surgeon');
    expect(who('Notified Dr. Ana de Vries (surgeon)')).toBe('Dr Ana de Vries, surgeon');
    expect(who('Dr Okafor informed')).toBe('Dr Okafor');
    expect(who('told anesthesiologist Dr Lee')).toBe('Dr Lee, anesthesiologist');
    // No name beside it: nobody is named, and another doctor in the sentence is not taken for one.
    expect(who('Surgeon notified')).toBeNull();
    expect(who('Dr Hope reviewing remotely; surgeon notified')).toBeNull();
    expect(who('Dr Sample and team notified')).toBeNull();
  });

  it('flags an alert never resolved and never notified', () => {
    const t = buildTimeline([ev('monitoring_start', 0), ev('alert', 40, { modality: 'SSEP', text: 'L tibial SSEP amplitude down 60%' }), ev('monitoring_end', 90)]);
    expect(t.alerts[0]!.outcome).toBe('unresolved');
    expect(kinds(t)).toEqual(expect.arrayContaining(['alert_unresolved', 'alert_not_notified']));
    expect(t.issues.find((i) => i.kind === 'alert_unresolved')?.message).toBe('The alert at 08:40 has no recorded recovery or final outcome.');
  });

  it('matches recoveries to alerts of the same modality and side', () => {
    const a1 = ev('alert', 40, { modality: 'SSEP', side: 'left' });
    const a2 = ev('alert', 45, { modality: 'TCMEP', side: 'right' });
    const r2 = ev('alert_resolved', 50, { modality: 'TCMEP', side: 'right' });
    const t = buildTimeline([a1, a2, r2]);
    expect(t.alerts.find((a) => a.eventId === a2.id)?.outcome).toBe('recovered');
    expect(t.alerts.find((a) => a.eventId === a1.id)?.outcome).toBe('unresolved');
  });

  it('counts a modality started and never stopped until the last event, and says so', () => {
    const start = ev('modality_start', 30, { modality: 'EMG_FREE' });
    const t = buildTimeline([start, ev('note', 150, { text: 'closing' })]);
    expect(t.lanes[0]!.intervals[0]).toMatchObject({ start: at(30), end: at(150) });
    expect(t.issues.find((i) => i.kind === 'modality_start_without_stop')?.eventIds).toEqual([start.id]);
  });

  it('handles events that arrive out of order', () => {
    const late = ev('modality_activity', 35, { modality: 'SSEP', id: 999 });
    const t = buildTimeline([ev('monitoring_start', 30, { id: 1 }), ev('modality_activity', 40, { modality: 'SSEP', id: 2 }), ev('monitoring_end', 50, { id: 3 }), late]);
    expect(t.lanes[0]!.firstActivity).toBe(at(35));
  });

  it('reports gaps in monitoring without modality activity', () => {
    const t = buildTimeline([ev('monitoring_start', 0), ...trials('SSEP', 0, 30, 2), ...trials('SSEP', 70, 90, 2), ev('monitoring_end', 90), ev('baseline', 0, { modality: 'SSEP' })]);
    expect(t.gaps).toEqual([{ start: at(30), end: at(70) }]);
  });

  it('notices a device clock that jumps', () => {
    const a = ev('vitals', 30, { source: 'serial:mon', receivedAt: at(30), id: 500 });
    const b = ev('vitals', 30 + 60 * 9, { source: 'serial:mon', receivedAt: at(31), id: 501 });
    const t = buildTimeline([a, b]);
    expect(t.issues.find((i) => i.kind === 'clock_jump')?.eventIds).toEqual([500, 501]);
    // Files of a folder are read one after another: earlier times after later ones are normal.
    const f1 = ev('modality_activity', 90, { modality: 'SSEP', source: 'folder:x', id: 600 });
    const f2 = ev('modality_activity', 10, { modality: 'SSEP', source: 'folder:x', id: 601 });
    expect(buildTimeline([f1, f2]).issues.map((i) => i.kind)).not.toContain('clock_jump');
  });

  it('lists milestones, anesthesia, vitals, notes and reader presence', () => {
    const t = buildTimeline([
      ev('milestone', 34, { text: 'Incision' }),
      ev('anesthesia_change', 50, { text: 'Propofol bolus' }),
      ev('vitals', 51, { text: 'MAP 62' }),
      ev('note', 52, { text: 'n' }),
      ev('marker', 53),
      ev('physician_joined', 20),
      ev('physician_left', 140),
    ]);
    expect(t.milestones.map((m) => m.text)).toEqual(['Incision']);
    expect(t.anesthesia).toHaveLength(1);
    expect(t.vitals).toHaveLength(1);
    expect(t.notes.map((n) => n.kind)).toEqual(['note', 'marker']);
    expect(t.readerPresence).toEqual([{ start: at(20), end: at(140) }]);
  });

  it('a baseline for the modality as a whole covers each of its limbs', () => {
    const t = buildTimeline([ev('baseline', 5, { modality: 'SSEP' }), ...trials('SSEP', 10, 20, 5, { limb: 'upper' }), ...trials('SSEP', 10, 20, 5, { limb: 'lower' })]);
    expect(t.issues.filter((i) => i.kind === 'no_baseline')).toEqual([]);
  });

  it('runs a modality no device recorded from its typed baseline, not from monitoring start, to the marked end', () => {
    // Monitoring marked at 08:00, the SSEP baseline typed at 08:10: the record holds SSEP from 08:10 only.
    const t = buildTimeline([ev('monitoring_start', 0), ev('baseline', 10, { modality: 'SSEP', limb: 'upper' }), ev('monitoring_end', 90)]);
    const ssep = t.lanes.find((l) => l.modality === 'SSEP')!;
    expect(ssep).toMatchObject({ entered: true, firstActivity: at(10), lastActivity: at(90), activeMs: 80 * 60_000 });
    expect(ssep.intervals.map((i) => [i.start, i.end])).toEqual([[at(10), at(90)]]);
    // Nothing was recorded between the start and the baseline: a gap, said as such.
    expect(buildTimeline([ev('monitoring_start', 0), ev('baseline', 40, { modality: 'SSEP' }), ev('monitoring_end', 90)]).gaps).toEqual([{ start: at(0), end: at(40) }]);
  });

  it('takes a lane\'s sides from its recordings and baselines, not from an alert on one side', () => {
    // Baselines typed for the upper limbs (no side), then a left deltoid alert: the lane is not "left" only.
    const typed = buildTimeline([
      ev('monitoring_start', 0),
      ev('baseline', 10, { modality: 'TCMEP', limb: 'upper' }),
      ev('alert', 60, { modality: 'TCMEP', limb: 'upper', side: 'left', text: 'Left deltoid TcMEP amplitude down 70%' }),
      ev('alert_resolved', 75, { modality: 'TCMEP', limb: 'upper', side: 'left' }),
      ev('monitoring_end', 90),
    ]);
    expect(typed.lanes.map((l) => [l.key, l.sides])).toEqual([['TCMEP:upper', []]]);
    expect(typed.alerts.map((a) => a.side)).toEqual(['left']);
    // Recordings that name their side still give it.
    const device = buildTimeline([...trials('TCMEP', 10, 20, 5, { limb: 'lower', side: 'right' }), ev('alert', 15, { modality: 'TCMEP', limb: 'lower', side: 'left' })]);
    expect(device.lanes.map((l) => l.sides)).toEqual([['right']]);
  });

  it('asks for a baseline on every monitored modality (not train-of-four)', () => {
    const t = buildTimeline([...trials('TCMEP', 10, 20, 5), ...trials('TOF', 10, 20, 5)]);
    expect(t.issues.filter((i) => i.kind === 'no_baseline').map((i) => i.message)).toEqual(['No baseline recorded for TcMEP.']);
  });
});

describe('timeline labels', () => {
  it('are shortened at word ends, never mid-word', async () => {
    const { shortLabel } = await import('../../shared/domain/timeline-figure');
    expect(shortLabel('Patient positioned prone, pressure points checked.', 22)).toBe('Patient positioned…');
    expect(shortLabel('Pedicle screw L4 left, triggered EMG threshold 14 mA.', 22)).toBe('Pedicle screw L4 left…');
    expect(shortLabel('Incision.', 22)).toBe('Incision');
    expect(shortLabel('Electrocorticography-guided resection started', 22)).toBe('Electrocorticography-guided…');
    for (const text of ['Rods placed, set screws final-tightened.', 'Interbody cage placed.', 'Retractor placed for interbody cage, left side.']) {
      const label = shortLabel(text, 22).replace(/…$/, '');
      // Every word of the label is a whole word of the text.
      expect(text.startsWith(label)).toBe(true);
      expect([' ', ',', '.', undefined]).toContain(text[label.length]);
    }
  });
});
