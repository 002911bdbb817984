/**
 * How long an event's texts may be, the same on every path an event comes in by: device files
 * (every parser), serial lines and HL7, case-file import, and what the technologist types. Pure.
 *
 * 2,000 characters is about a third of a printed page: far more than any note an IONM program
 * exports or a technologist types (a sentence or two), and short enough that the timeline, the
 * report and the PDF stay readable. What is typed beyond it is refused (the person is there to
 * shorten it). What a device sent is never refused: the event is kept with its text cut to the
 * limit and marked so ("…"), and the file's or port's status says so (never quoting the text).
 */
export const EVENT_TEXT_MAX_CHARS = 2000;

/** A device's own name for a modality ("L MEP", "MEP Drempel"): a few words. */
export const EVENT_NAME_MAX_CHARS = 200;

/** A device's raw value (a wall clock, a µs count, an HL7 DTM): short by nature. */
export const EVENT_RAW_MAX_CHARS = 200;

/** An event's structured extras (payload) as JSON: a Cadwell baseline's setup is a few KB. */
export const EVENT_PAYLOAD_MAX_BYTES = 64 * 1024;

/** Marks a text that was cut. */
const CUT_MARK = '…';

/**
 * `text` if it fits in `max` characters; otherwise its start, cut at a word end where one is
 * near, with "…" after it, `max` characters at most in all. A surrogate pair is never split.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - CUT_MARK.length;
  // Never leave half of a surrogate pair (an emoji) at the end.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  // A word end within the last 10% reads better than a word cut in two.
  const space = text.lastIndexOf(' ', end);
  if (space > end - Math.ceil(max / 10) && space > 0) end = space;
  return `${text.slice(0, end).trimEnd()}${CUT_MARK}`;
}

export type BoundedFields = Readonly<{
  text: string;
  modalityName: string | null;
  raw: string | null;
  /** What was cut, in plain words (no content), or null. */
  cut: string | null;
}>;

const count = (n: number) => n.toLocaleString('en-US');

/**
 * An event's text, device modality name and raw value within their limits, and a plain note of
 * what was cut (the lengths, never the content) for the file's or port's status.
 */
export function boundEventFields(f: Readonly<{ text: string; modalityName: string | null; raw: string | null }>): BoundedFields {
  const notes: string[] = [];
  const text = cutText(f.text, EVENT_TEXT_MAX_CHARS);
  if (text !== f.text) notes.push(`its text has ${count(f.text.length)} characters: the first ${count(EVENT_TEXT_MAX_CHARS)} were kept`);
  const modalityName = f.modalityName === null ? null : cutText(f.modalityName, EVENT_NAME_MAX_CHARS);
  if (modalityName !== f.modalityName) notes.push(`its modality name was cut to ${count(EVENT_NAME_MAX_CHARS)} characters`);
  const raw = f.raw === null ? null : cutText(f.raw, EVENT_RAW_MAX_CHARS);
  if (raw !== f.raw) notes.push(`its raw value was cut to ${count(EVENT_RAW_MAX_CHARS)} characters`);
  return { text, modalityName, raw, cut: notes.length ? notes.join('; ') : null };
}
