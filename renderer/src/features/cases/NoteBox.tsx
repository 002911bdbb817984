import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { localClock } from '../../../../shared/util/time';
import type { CaseEvent } from '../../../../shared/domain/event';
import { readingOf, readingLabel } from './note-reading';
import { useClient } from '../../api/hooks';

type Queued = { text: string; occurredAt: number; clientId: string };

function newClientId(): string {
  return crypto.randomUUID();
}

/**
 * Type, Enter: the note is stored with the time Enter was pressed, not when it reached the
 * database. If the backend is briefly away, the note waits here with its time and is sent when
 * the link returns (its client id makes a resend harmless). "N" anywhere on the case focuses it.
 */
export function NoteBox({ caseId, disabledReason, now = Date.now }: { caseId: string; disabledReason: string | null; now?: () => number }) {
  const client = useClient();
  const [text, setText] = useState('');
  const [queue, setQueue] = useState<Queued[]>([]);
  const [error, setError] = useState<string>();
  // The last note's reading by the site's rules, offered (never applied by itself).
  const [offer, setOffer] = useState<CaseEvent | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const sending = useRef(false);

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      const typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
      if (!typing && !e.ctrlKey && !e.metaKey && !e.altKey && (e.key === 'n' || e.key === 'N')) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Send queued notes in order; stop at the first failure and retry when the link comes back.
  useEffect(() => {
    if (queue.length === 0 || sending.current) return;
    sending.current = true;
    const head = queue[0] as Queued;
    void client.call('addNote', { caseId, ...head }).then((r) => {
      sending.current = false;
      if (r.ok) {
        setError(undefined);
        setOffer(readingOf(r.value) ? r.value : null);
        setQueue((q) => q.slice(1));
      } else if (r.code === 'UNAVAILABLE') {
        setError('Not connected: the note is kept here and will be saved with its time when Closeout reconnects.');
      } else {
        // A note the backend refuses (case closed, bad clock) goes back to the box to act on.
        setError(r.message);
        setQueue((q) => q.slice(1));
        setText((t) => t || head.text);
      }
    });
  }, [queue, client, caseId]);

  useEffect(
    () =>
      client.transport.onConnection((s) => {
        if (s === 'up') setQueue((q) => [...q]);
      }),
    [client],
  );

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Escape') {
      input.current?.blur();
      return;
    }
    if (e.key !== 'Enter' || e.nativeEvent.isComposing) return;
    // Read the clock first, before anything async: this is the time of the note (the case's
    // clock: the workstation's, or the demo's).
    const occurredAt = now();
    e.preventDefault();
    const value = text.trim();
    if (!value) return;
    setQueue((q) => [...q, { text: value, occurredAt, clientId: newClientId() }]);
    setText('');
  };

  return (
    <div className="notebox">
      <input
        ref={input}
        className="note-input"
        aria-label="Note"
        placeholder={disabledReason ?? 'Type a note, press Enter: it is timed to the keystroke (N focuses here)'}
        value={text}
        disabled={disabledReason !== null}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        maxLength={2000}
        autoFocus={disabledReason === null}
      />
      {queue.length > 0 && (
        <div className="muted small" role="status">
          Saving {queue.length} note{queue.length > 1 ? 's' : ''} (first at {localClock((queue[0] as Queued).occurredAt)})…
        </div>
      )}
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
      {offer && <ReadingOffer caseId={caseId} note={offer} onDone={() => setOffer(null)} />}
    </div>
  );
}

/** "Recorded as a note. It reads as an alert (TcMEP, left): Record as alert · Keep as note." */
export function ReadingOffer({ caseId, note, onDone, compact = false }: { caseId: string; note: CaseEvent; onDone: () => void; compact?: boolean }) {
  const client = useClient();
  const [error, setError] = useState<string>();
  const reading = readingOf(note);
  if (!reading) return null;
  const what = readingLabel(reading);
  const accept = async () => {
    const r = await client.call('acceptNoteReading', { caseId, noteId: note.id });
    if (r.ok) onDone();
    else setError(r.message);
  };
  return (
    <div className={compact ? 'reading-offer compact' : 'reading-offer'} role="group" aria-label="What the words say">
      {!compact && <span>Recorded as a note. It reads as {what}.</span>}
      <button type="button" className="small-button primary" onClick={() => void accept()}>
        Record as {reading.kindLabel.toLowerCase()}
      </button>
      {!compact && (
        <button type="button" className="small-button" onClick={onDone}>
          Keep as note
        </button>
      )}
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}
