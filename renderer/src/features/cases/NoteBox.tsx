import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { localClock } from '../../../../shared/util/time';
import type { CaseEvent } from '../../../../shared/domain/event';
import { EVENT_TEXT_MAX_CHARS } from '../../../../shared/domain/event-limits';
import { readingOf, readingLabel } from './note-reading';
import { useClient } from '../../api/hooks';
import { useOutbox } from '../../api/outbox';
import { isTyping } from '../../components/keys';

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
  const [error, setError] = useState<string>();
  // The last note's reading by the site's rules, offered (never applied by itself).
  const [offer, setOffer] = useState<CaseEvent | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const { queue, push } = useOutbox((note: Queued) => client.call('addNote', { caseId, ...note }), {
    sent: (_note, event) => {
      setError(undefined);
      setOffer(readingOf(event) ? event : null);
    },
    away: () => setError('Not connected: the note is kept here and will be saved with its time when Closeout reconnects.'),
    // A note the backend refuses (case closed, bad clock) goes back to the box to act on.
    refused: (note, err) => {
      setError(err.message);
      setText((t) => t || note.text);
    },
  });

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (!isTyping(e.target) && !e.ctrlKey && !e.metaKey && !e.altKey && (e.key === 'n' || e.key === 'N')) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

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
    push({ text: value, occurredAt, clientId: newClientId() });
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
        maxLength={EVENT_TEXT_MAX_CHARS}
        autoFocus={disabledReason === null}
      />
      {queue.length > 0 && (
        <div className="muted small" role="status">
          Saving {queue.length} note{queue.length > 1 ? 's' : ''} (first at {localClock(queue[0]!.occurredAt)})…
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
