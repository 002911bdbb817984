/**
 * Every character a US hospital meets in a name or a note reaches the PDF as itself: Latin with
 * every diacritic, Greek, Cyrillic, Vietnamese, Chinese, Japanese, Korean (all of Hangul), and the
 * symbols of clinical text. The PDF is read back by an independent tool (poppler's pdftotext),
 * character by character. A character no bundled font has is printed as its code point, never
 * "�", and the export names the field that holds it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleCase, testBackend } from '../helpers/backend';
import { HANG_MS } from '../helpers/patience';
import { tempDir } from '../helpers/temp-dir';

const LATIN = 'ÀÁÂÃÄÅĀĂĄàáâãäåāăąÇĆĈĊČçćĉċčĎĐďđÈÉÊËĒĔĖĘĚèéêëēĕėęěĜĞĠĢĝğġģĤĦĥħÌÍÎÏĨĪĬĮİìíîïĩīĭįıĴĵĶķĹĻĽĿŁĺļľŀłÑŃŅŇñńņňÒÓÔÕÖØŌŎŐòóôõöøōŏőŒœŔŖŘŕŗřŚŜŞŠśŝşšßŢŤŦţťŧÙÚÛÜŨŪŬŮŰŲùúûüũūŭůűųŴŵÝŸŶýÿŷŹŻŽźżžÆæÐðÞþ';
const GREEK = 'ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩαβγδεζηθικλμνξοπρστυφχψωάέήίόύώ';
const CYRILLIC = 'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюяЇїІіЄєҐґ';
const VIETNAMESE = 'ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹƠơƯư';
const CJK = '王伟李娜张敏陳志明さくらサクラ東京';
const HANGUL = '김민준서울이서연박지훈최윤아정똠뷁쀍';
const SYMBOLS = '≥≤±×→←↑↓µ°½¼¾≈≠÷∞•…–—‰™®©€£¥§¶†‡′″';

describe('the report PDF draws every character it is given', () => {
  it('reads back with pdftotext, character for character; no "�"; an unknown one named by field', async () => {
    const b = testBackend({ dataDir: tempDir() });
    const c = await b.ok(
      'createCase',
      sampleCase({
        patient: { lastName: `김 ${CYRILLIC.slice(0, 20)}`, firstName: `민준 ${GREEK.slice(0, 20)}`, mrn: 'SYN-4242', dateOfBirth: '1970-01-01', sex: 'M' },
        procedure: { description: `Fusion ≥ 2 levels ± graft × 2 → L4 µ ° ½ ${SYMBOLS}`, cpt: '22612', side: 'bilateral', levels: 'L4-L5' },
        facility: '서울 Spine Center',
        orRoom: 'OR 3',
      }),
    );
    await b.ok('setCaseStatus', { id: c.id, status: 'capturing' });
    const now = Date.now();
    const texts = [LATIN, GREEK, CYRILLIC, VIETNAMESE, CJK, HANGUL, SYMBOLS];
    for (const [i, t] of texts.entries()) await b.ok('addNote', { caseId: c.id, text: t, occurredAt: now - 60_000 + i * 1000, clientId: `glyph-note-${i}`, kind: 'milestone' });
    // A character no bundled font has (an emoji newer than the fonts).
    await b.ok('addNote', { caseId: c.id, text: 'Genetic testing 🧬 pending', occurredAt: now - 30_000, clientId: 'glyph-emoji', kind: 'milestone' });

    const r = await b.ok('exportPdf', { caseId: c.id });
    const file = path.join(tempDir('closeout-glyphs-'), 'report.pdf');
    fs.writeFileSync(file, Buffer.from(r.base64, 'base64'));
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', timeout: HANG_MS });
    const flat = text.replace(/\s+/g, '');
    const missing = [...new Set([...texts.join(''), '서울', '김', '민준'].join(''))].filter((ch) => !flat.includes(ch));
    expect(missing).toEqual([]);
    expect(text).not.toContain('\ufffd');
    expect(text).toContain('[U+1F9EC]');
    // Named by where a person would look: the section that prints it, and the event it came from.
    expect(r.warnings).toEqual([
      'The section "Intraoperative events" has a character no font can draw (U+1F9EC): it is printed as [U+1F9EC]. Check that it is what was meant.',
      'An event text has a character no font can draw (U+1F9EC): it is printed as [U+1F9EC]. Check that it is what was meant.',
    ]);
    // Only the fonts that are needed are embedded, each as a subset.
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8', timeout: HANG_MS });
    for (const tag of ['CLOREG', 'CLOSYM', 'CLOKOR', 'CLOCJK']) expect(fonts).toContain(`${tag}+`);
    await b.close();
  });
});
