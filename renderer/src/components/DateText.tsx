import { useEffect, useState } from 'react';
import { isIsoDate } from '../../../shared/util/time';

/**
 * A text field that tells its parent only whole values: what is typed stays on screen as typed,
 * and the parent hears `parse(text)` when that reads ('' when cleared).
 */
function ParsedText(props: { id?: string | undefined; label?: string | undefined; describedBy?: string | undefined; value: string; placeholder: string; parse: (t: string) => string | null; onChange: (v: string) => void }) {
  const [text, setText] = useState(props.value);
  useEffect(() => setText(props.value), [props.value]);
  const t = text.trim();
  return (
    <input
      id={props.id}
      aria-label={props.label}
      aria-describedby={props.describedBy}
      aria-invalid={t !== '' && props.parse(t) === null}
      className="mono date-text"
      placeholder={props.placeholder}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const typed = e.target.value.trim();
        const v = typed === '' ? '' : props.parse(typed);
        if (v !== null) props.onChange(v);
      }}
    />
  );
}

/**
 * Dates typed and shown as YYYY-MM-DD, the one format the app writes them in. (A browser's own
 * date picker shows the computer's locale, mm/dd/yyyy on most, which a tired reader misreads.)
 */
export function DateText({ id, value, onChange, describedBy, label }: { id?: string; value: string; onChange: (v: string) => void; describedBy?: string | undefined; label?: string }) {
  return <ParsedText id={id} label={label} describedBy={describedBy} value={value} placeholder="YYYY-MM-DD" parse={(t) => (isIsoDate(t) ? t : null)} onChange={onChange} />;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})$/;

/** A wall-clock moment typed as YYYY-MM-DD HH:MM (24-hour); the parent hears "YYYY-MM-DDTHH:MM" or ''. */
export function DateTimeText({ id, value, onChange }: { id?: string; value: string; onChange: (v: string) => void }) {
  const parse = (t: string) => {
    const m = DATE_TIME.exec(t);
    return m && isIsoDate(m[1]!) && Number(m[2]) < 24 && Number(m[3]) < 60 ? `${m[1]}T${m[2]}:${m[3]}` : null;
  };
  return <ParsedText id={id} value={value.replace('T', ' ')} placeholder="YYYY-MM-DD HH:MM" parse={parse} onChange={onChange} />;
}
