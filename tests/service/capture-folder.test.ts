import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cadwellDocument } from '../fixtures/vendor/cadwell-fixture';
import { cadwellEdf, captureRig, eventually, writeFile, xltekText, type CaptureRig } from '../helpers/capture';
import { tempDir } from '../helpers/temp-dir';

const rigs: CaptureRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.backend.close();
});
async function rig(opts: Parameters<typeof captureRig>[0] = {}) {
  const r = await captureRig(opts);
  rigs.push(r);
  return r;
}

describe('folder capture (real chokidar, real files, real SQLite)', () => {
  it('reads an events text file, then the lines appended to it while the case runs', async () => {
    const r = await rig();
    const file = writeFile(r.exportDir, 'events.txt', xltekText([['08:05:00', 'Incision'], ['08:31:00', 'Baseline SSEP obtained']]));
    await eventually(async () => expect((await r.events()).map((e) => e.text)).toEqual(['Incision', 'Baseline SSEP obtained']));
    const first = await r.events();
    expect(first[0]).toMatchObject({ kind: 'milestone', occurredAt: Date.UTC(2026, 10, 26, 8, 5), raw: expect.any(String), clockZone: 'UTC', source: `folder:${r.sourceId}` });
    expect(first[1]).toMatchObject({ kind: 'baseline', modality: 'SSEP' });

    fs.appendFileSync(file, '3 09:36:00 Loss of L TA MEP, surgeon notified\r\n');
    await eventually(async () => expect((await r.events()).map((e) => e.kind)).toEqual(['milestone', 'baseline', 'alert', 'surgeon_notified']));
    fs.appendFileSync(file, '4 09:50:00 L TA MEP recovered\r\n');
    await eventually(async () => expect((await r.events()).at(-1)).toMatchObject({ kind: 'alert_resolved', modality: 'TCMEP', side: 'left', limb: 'lower' }));
    const files = await r.backend.ok('listCaptureFiles', { caseId: r.caseId });
    expect(files).toEqual([expect.objectContaining({ path: 'events.txt', status: 'done', events: 5, format: 'xltek-txt' })]);
  });

  it('a small text log growing line by line is read from where it stopped: each new line arrives as its own event', async () => {
    // Below 64 KB the file's whole head changes with every line; it used to be read again from
    // its start each time, and past 20 lines the screen got a reload instead of the new event.
    const r = await rig();
    const file = writeFile(r.exportDir, 'events.txt', xltekText([['08:00:00', 'Incision']]));
    await eventually(async () => expect(await r.events()).toHaveLength(1));
    const pushes = r.backend.pushes;
    const seen = pushes.length;
    for (let i = 0; i < 40; i++) {
      fs.appendFileSync(file, `${i + 2} 08:${String(i + 1).padStart(2, '0')}:00 Note ${i}\r\n`);
      // Each line read before the next is written, as a device writes them.
      await eventually(async () => expect(await r.events()).toHaveLength(i + 2));
    }
    const after = pushes.slice(seen);
    expect(after.filter((m) => m.name === 'eventsCaptured')).toEqual([]);
    expect(after.filter((m) => m.name === 'eventCaptured').map((m) => (m.payload as { event: { text: string } }).event.text)).toEqual(Array.from({ length: 40 }, (_, i) => `Note ${i}`));
    expect(fs.statSync(file).size).toBeLessThan(64 * 1024);
  });

  it('idle() means read: files written just before are in, even before their watcher events arrive', async () => {
    const r = await rig();
    for (let i = 0; i < 20; i++) writeFile(r.exportDir, `events-${i}.txt`, xltekText([['08:05:00', `Incision ${i}`]]));
    await r.backend.capture?.idle();
    expect(await r.events()).toHaveLength(20);
    fs.appendFileSync(path.join(r.exportDir, 'events-3.txt'), '2 08:06:00 Baseline SSEP obtained\r\n');
    await r.backend.capture?.idle();
    expect(await r.events()).toHaveLength(21);
  });

  it('reads Cadwell EDF+D trials as modality activity from the file name', async () => {
    const r = await rig();
    writeFile(r.exportDir, 'L MEP.edf', cadwellEdf({ trials: 12 }));
    await eventually(async () => expect(await r.events()).toHaveLength(12));
    const ev = await r.events();
    expect(ev.every((e) => e.kind === 'modality_activity' && e.modality === 'TCMEP' && e.side === 'left' && e.modalityName === 'L MEP')).toBe(true);
    expect(ev[1]!.occurredAt - ev[0]!.occurredAt).toBe(30_000);
    expect(ev[0]!.payload).toMatchObject({ setup: { stimulation: [expect.objectContaining({ pulses: expect.any(Number) })] } });
  });

  it('never duplicates: re-save, a copy of the file, and a restart all map to the same rows', async () => {
    const dataDir = tempDir();
    const exportDir = tempDir('closeout-export-');
    const r1 = await rig({ dataDir, exportDir });
    const content = xltekText([['08:05:00', 'Incision'], ['08:06:00', 'Incision']]);
    writeFile(exportDir, 'a.txt', content);
    await eventually(async () => expect(await r1.events()).toHaveLength(2)); // two identical lines are two facts
    writeFile(exportDir, 'copy of a.txt', content);
    writeFile(exportDir, 'a.txt', content); // re-saved unchanged
    await r1.backend.capture?.idle();
    await new Promise((res) => setTimeout(res, 300));
    expect(await r1.events()).toHaveLength(2);
    await r1.backend.close();
    rigs.splice(rigs.indexOf(r1), 1);

    // While the app is closed, the device writes more.
    fs.appendFileSync(path.join(exportDir, 'a.txt'), '3 08:07:00 Pedicle screw L4 left\r\n');
    writeFile(exportDir, 'L MEP.edf', cadwellEdf({ trials: 3 }));
    const r2 = await rig({ dataDir, exportDir });
    await eventually(async () => expect(await r2.events()).toHaveLength(6));
    await r2.backend.capture?.idle();
    expect((await r2.events()).filter((e) => e.text === 'Incision')).toHaveLength(2);
  });

  it('holds a file that names another patient until a person adds it anyway', async () => {
    const r = await rig();
    writeFile(r.exportDir, 'case_data.json', cadwellDocument());
    const held = await eventually(async () => {
      const [f] = await r.backend.ok('listCaptureFiles', { caseId: r.caseId });
      expect(f?.status).toBe('held');
      return f!;
    });
    expect(held.message).toBe('This file names a different patient (its patient ID/MRN, name and date of birth differ from this case). It was not added. If it does belong to this case, choose "Add anyway".');
    expect(held.message).not.toMatch(/Synthetic|000123/);
    expect(await r.events()).toEqual([]);
    await r.backend.ok('releaseHeldFile', { sourceId: r.sourceId, path: 'case_data.json' });
    await eventually(async () => expect((await r.events()).length).toBeGreaterThan(3));
    expect((await r.backend.ok('verifyAudit', {})).intact).toBe(true);
  });

  it('a file that cannot be read gets a plain reason; the other files keep flowing', async () => {
    const r = await rig();
    const bad = cadwellEdf({ trials: 2 });
    bad.set(new TextEncoder().encode('garbage!'), 184); // corrupt the header-size field
    writeFile(r.exportDir, 'R MEP.edf', bad);
    writeFile(r.exportDir, 'events.txt', xltekText([['08:05:00', 'Incision']]));
    await eventually(async () => expect((await r.events()).map((e) => e.text)).toEqual(['Incision']));
    const files = await eventually(async () => {
      const fs2 = await r.backend.ok('listCaptureFiles', { caseId: r.caseId });
      expect(fs2).toHaveLength(2);
      return fs2;
    });
    const edf = files.find((f) => f.path === 'R MEP.edf');
    expect(edf).toMatchObject({ status: 'error' });
    expect(edf?.message).toBe('Named like an EDF/BDF recording, but its header is not valid EDF: the file may be damaged or still being written.');
  });

  it('leaves non-device files alone and says so', async () => {
    const r = await rig();
    writeFile(r.exportDir, 'notes.docx', Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]));
    writeFile(r.exportDir, '.hidden.txt', 'x');
    writeFile(r.exportDir, 'events.tmp', 'x');
    const files = await eventually(async () => {
      const f = await r.backend.ok('listCaptureFiles', {});
      expect(f).toHaveLength(1);
      return f;
    });
    expect(files[0]).toMatchObject({ path: 'notes.docx', status: 'ignored', message: 'Not a device export Closeout knows; left alone.' });
  });

  it('reports a missing export folder in plain words and picks it up once it appears', async () => {
    const parent = tempDir();
    const exportDir = path.join(parent, 'not-yet');
    const r = await rig({ exportDir });
    const status = await eventually(async () => {
      const s = await r.backend.ok('getCaptureStatus', {});
      expect(s.sources[0]?.state).toBe('error');
      return s;
    });
    expect(status.sources[0]?.message).toMatch(/cannot be found\. Check that the drive or network share is connected/);
    fs.mkdirSync(exportDir);
    writeFile(exportDir, 'events.txt', xltekText([['08:05:00', 'Incision']]));
    await eventually(async () => expect(await r.events()).toHaveLength(1));
  });

  it('stops reading when the case stops capturing, and one case captures at a time', async () => {
    const r = await rig();
    const other = await r.backend.ok('createCase', (await import('../helpers/backend')).sampleCase());
    const e = await r.backend.fail('setCaseStatus', { id: other.id, status: 'capturing' });
    expect(e.message).toMatch(/is capturing on this workstation/);
    await r.backend.ok('setCaseStatus', { id: r.caseId, status: 'closed' });
    await eventually(async () => expect((await r.backend.ok('getCaptureStatus', {})).capturingCaseId).toBeNull());
    writeFile(r.exportDir, 'late.txt', xltekText([['10:00:00', 'Late']]));
    await new Promise((res) => setTimeout(res, 400));
    expect(await r.events()).toEqual([]);
  });
});
