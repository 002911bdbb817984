import { useEffect, useState } from 'react';
import { isIsoDate } from '../../../shared/util/time';

/**
 * Dates typed and shown as YYYY-MM-DD, the one format the app writes them in. (A browser's own
 * date picker shows the computer's locale, mm/dd/yyyy on most, which a tired reader misreads.)
 * The parent hears only a whole date, or '' when cleared.
 */
export function DateText({ id, value, onChange, describedBy, label }: { id?: string; value: string; onChange: (v: string) => void; describedBy?: string | undefined; label?: string }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const bad = text !== '' && !isIsoDate(text);
  return (
    <input
      id={id}
      aria-label={label}
      aria-describedby={describedBy}
      aria-invalid={bad}
      className="mono date-text"
      placeholder="YYYY-MM-DD"
      inputMode="numeric"
      value={text}
      onChange={(e) => {
        const t = e.target.value.trim();
        setText(e.target.value);
        if (t === '' || isIsoDate(t)) onChange(t);
      }}
    />
  );
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})$/;

/** A wall-clock moment typed as YYYY-MM-DD HH:MM (24-hour); the parent hears "YYYY-MM-DDTHH:MM" or ''. */
export function DateTimeText({ id, value, onChange }: { id?: string; value: string; onChange: (v: string) => void }) {
  const shown = value.replace('T', ' ');
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  const m = DATE_TIME.exec(text.trim());
  const bad = text.trim() !== '' && !(m && isIsoDate(m[1]!) && Number(m[2]) < 24 && Number(m[3]) < 60);
  return (
    <input
      id={id}
      aria-invalid={bad}
      className="mono date-text"
      placeholder="YYYY-MM-DD HH:MM"
      value={text}
      onChange={(e) => {
        const t = e.target.value.trim();
        setText(e.target.value);
        const ok = DATE_TIME.exec(t);
        if (t === '') onChange('');
        else if (ok && isIsoDate(ok[1]!) && Number(ok[2]) < 24 && Number(ok[3]) < 60) onChange(`${ok[1]}T${ok[2]}:${ok[3]}`);
      }}
    />
  );
}
