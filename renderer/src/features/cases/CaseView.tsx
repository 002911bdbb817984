import { useState } from 'react';
import { acceptsEvents, whyNoEvents } from '../../../../shared/domain/case-status';
import { personDisplayName, type Person } from '../../../../shared/domain/person';
import {
  ANESTHESIA_REGIMEN_LABELS,
  PAYER_TYPE_LABELS,
  PLACE_OF_SERVICE_LABELS,
  READER_LOCATION_LABELS,
  SEX_LABELS,
  SIDE_LABELS,
  type CaseStatus,
} from '../../../../shared/domain/vocabulary';
import { yearsBetween, localIsoDate, localClock } from '../../../../shared/util/time';
import { caseNow } from '../../../../shared/domain/case-clock';
import { useClient, useQuery } from '../../api/hooks';
import { href } from '../../app/router';
import { ErrorBanner } from '../../components/Field';
import { StatusChip } from '../../components/StatusChip';
import { EventList } from './EventList';
import { NoteBox } from './NoteBox';
import { QuickEntry } from './QuickEntry';
import { TimelineFigure } from './TimelineFigure';
import { SourceStatusList, useSourceStatuses } from '../capture/SourceStatusList';
import { CaptureFilesPanel } from '../capture/CaptureFilesPanel';
import { ReportView } from '../report/ReportView';
import { useAiNarrative } from '../report/useAiNarrative';
import { useClaim } from '../billing/useClaim';
import { ClaimChecklist } from '../billing/ClaimChecklist';
import { ClaimPanel } from '../billing/ClaimPanel';
import type { ClaimView } from '../../../../shared/billing/view';

const MOVE_LABELS: Readonly<Partial<Record<CaseStatus, string>>> = {
  capturing: 'Start capture',
  closed: 'Close case',
  open: 'Re-open',
};

export function CaseView({ id }: { id: string }) {
  const client = useClient();
  const q = useQuery('getCase', { id }, (m) => (m.name === 'caseChanged' && m.payload.caseId === id) || m.name === 'peopleChanged');
  const timeline = useQuery('getTimeline', { caseId: id }, (m) => (m.name === 'eventCaptured' || m.name === 'eventsCaptured') && m.payload.caseId === id, 400);
  const sources = useSourceStatuses();
  const report = useQuery(
    'getReport',
    { caseId: id },
    (m) =>
      ((m.name === 'reportChanged' || m.name === 'eventCaptured' || m.name === 'eventsCaptured' || m.name === 'caseChanged') && m.payload.caseId === id) ||
      m.name === 'peopleChanged',
    500,
  );
  const aiStatus = useQuery('getAiStatus', {});
  const aiRun = useAiNarrative(id);
  const claim = useClaim(id);
  const [tab, setTab] = useState<'events' | 'report' | 'claim' | null>(null);
  const [actionError, setActionError] = useState<string>();
  const [confirmClose, setConfirmClose] = useState(false);

  if (q.error) return <ErrorBanner message={q.error.message} />;
  if (!q.data) return <p className="muted page">Loading…</p>;
  const { case: c, people, gaps, allowedMoves, clock } = q.data;
  // The case's own clock: the workstation's, or for the demo (played fast) the demo's.
  const now = () => caseNow(clock, Date.now());
  const p = c.patient;

  async function move(status: CaseStatus, confirmed = false) {
    // Closing stops live capture: asked once, so a stray click mid-surgery cannot end it.
    if (status === 'closed' && c.status === 'capturing' && !confirmed) {
      setConfirmClose(true);
      return;
    }
    setConfirmClose(false);
    const r = await client.call('setCaseStatus', { id, status });
    setActionError(r.ok ? undefined : r.message);
  }

  // Re-opening from "closed" goes back to "open"; capturing is started explicitly.
  const moves = allowedMoves.filter((s) => !(c.status === 'capturing' && s === 'open'));
  // While the case runs the events come first; once closed, the report.
  const shown = tab ?? (c.status === 'open' || c.status === 'capturing' ? 'events' : 'report');
  const gapCount = report.data && !report.data.locked ? report.data.gaps.length : 0;

  return (
    <section className="page case-page">
      <header className="case-head card">
        <div className="case-title">
          <h1>
            {p.lastName}, {p.firstName}
          </h1>
          <StatusChip status={c.status} />
          <div className="actions">
            {confirmClose ? (
              <span className="confirm" role="group" aria-label="Close while capturing">
                Capture is running: closing stops it and freezes the timeline.{' '}
                <button className="primary" onClick={() => void move('closed', true)}>
                  Close now
                </button>{' '}
                <button onClick={() => setConfirmClose(false)}>Keep capturing</button>
              </span>
            ) : (
              moves.map((s) => (
                <button key={s} className={s === 'closed' ? 'primary' : ''} onClick={() => void move(s)}>
                  {MOVE_LABELS[s] ?? s}
                </button>
              ))
            )}
            <a className="button" href={href({ name: 'editCase', id })}>
              Edit case
            </a>
          </div>
        </div>
        <div className="case-meta">
          <span>
            MRN <b className="mono">{p.mrn}</b>
          </span>
          <span>
            DOB <b className="mono">{p.dateOfBirth}</b> ({yearsBetween(p.dateOfBirth, localIsoDate(Date.now()))} y, {SEX_LABELS[p.sex]})
          </span>
          <span>
            Date of service <b className="mono">{c.dateOfService}</b>
          </span>
          <span>
            {c.procedure.description}
            {c.procedure.levels ? ` · ${c.procedure.levels}` : ''}
            {c.procedure.side ? ` · ${SIDE_LABELS[c.procedure.side]}` : ''}
          </span>
        </div>

        {clock && (
          <p className="muted small demo-clock" role="note" aria-label="Demo clock">
            Demo case, played at {clock.speed}×: its clock runs from when the demo started (now {localClock(now())} on it), and what you type on it is timed by
            that clock.
          </p>
        )}
        <ErrorBanner message={actionError} />
      </header>

      <div className="case-top">
      {timeline.data ? (
        <div className="card timeline-card">
          <h2 className="card-title">Timeline</h2>
          <TimelineFigure timeline={timeline.data} timeZone={c.timeZone} now={c.status === 'capturing' ? now() : null} />
          {timeline.data.issues.length > 0 && (
            <ul className="timeline-issues" aria-label="Timeline issues">
              {timeline.data.issues.map((i, n) => (
                <li key={n}>{i.message}</li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <div className="card timeline-card muted">Loading the timeline…</div>
      )}
        {/* What a payer would deny stays in view beside the timeline while the case runs. */}
        <div className="checklist-slot">
          <ClaimChecklist claim={claim} />
        </div>
      </div>

      <div className="tabs" role="tablist">
        <button role="tab" aria-selected={shown === 'events'} onClick={() => setTab('events')}>
          Events
        </button>
        <button role="tab" aria-selected={shown === 'report'} onClick={() => setTab('report')}>
          Report{gapCount ? ` (${gapCount} missing)` : report.data?.locked ? ' (signed)' : ''}
        </button>
        <button role="tab" aria-selected={shown === 'claim'} onClick={() => setTab('claim')}>
          Claim{claim.view ? ` (${claimTabNote(claim.view)})` : ''}
        </button>
      </div>
      <QuickEntry
        caseId={id}
        disabledReason={acceptsEvents(c.status) ? null : whyNoEvents(c.status)}
        surgeonName={people.surgeon ? personDisplayName(people.surgeon) : null}
        alerts={timeline.data?.alerts ?? []}
        now={now}
      />
      <div className="case-body">
        {shown === 'events' ? (
          <div className="card case-events">
            <h2 className="card-title">Events</h2>
            <NoteBox caseId={id} disabledReason={acceptsEvents(c.status) ? null : whyNoEvents(c.status)} now={now} />
            <EventList caseId={id} />
          </div>
        ) : shown === 'claim' ? (
          <div className="card case-claim" role="tabpanel" aria-label="Claim">
            <ClaimPanel caseId={id} claim={claim} timeZone={c.timeZone} />
          </div>
        ) : (
          <div className="card case-report" role="tabpanel" aria-label="Report">
            <ErrorBanner message={report.error?.message} />
            {report.data ? <ReportView report={report.data} status={c.status} aiStatus={aiStatus.data} aiRun={aiRun} /> : <p className="muted">Loading the report…</p>}
          </div>
        )}
        <aside className="case-side">
          {c.status === 'capturing' && (
            <div className="card">
              <h2 className="card-title">Capture</h2>
              <SourceStatusList sources={sources} />
            </div>
          )}
          <CaptureFilesPanel caseId={id} />
          <div className="card">
            <h2 className="card-title">Missing from the case record</h2>
            {gaps.length === 0 ? (
              <p className="ok">Nothing missing from the case record.</p>
            ) : (
              <ul className="gaps" aria-label="Still needed">
                {gaps.map((g) => (
                  <li key={`${g.field}:${g.message}`}>
                    <a href={href({ name: 'editCase', id })}>{g.message}</a>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div className="card">
            <h2 className="card-title">Case</h2>
            <dl className="facts">
              <Fact label="Surgeon" value={who(people.surgeon)} />
              <Fact label="Technologist" value={who(people.technologist)} />
              <Fact label="Interpreting physician" value={who(people.physician)} />
              <Fact label="Physician reads from" value={c.readerLocation ? READER_LOCATION_LABELS[c.readerLocation] : null} />
              <Fact label="Facility / room" value={[c.facility, c.orRoom].filter(Boolean).join(' · ') || null} />
              <Fact label="Surgical CPT" value={c.procedure.cpt} />
              <Fact label="Payer" value={c.payer.type ? `${PAYER_TYPE_LABELS[c.payer.type]}${c.payer.name ? ` · ${c.payer.name}` : ''}` : null} />
              <Fact label="Place of service" value={c.placeOfService ? (PLACE_OF_SERVICE_LABELS[c.placeOfService] ?? c.placeOfService) : null} />
              <Fact label="Diagnoses" value={c.diagnosisCodes.join(', ') || null} />
              <Fact
                label="Anesthesia"
                value={c.anesthesia.regimen ? `${ANESTHESIA_REGIMEN_LABELS[c.anesthesia.regimen]}${c.anesthesia.detail ? ` · ${c.anesthesia.detail}` : ''}` : null}
              />
            </dl>
          </div>
        </aside>
      </div>
    </section>
  );
}

function claimTabNote(v: ClaimView): string {
  if (v.status !== 'not_clean') return v.status;
  const n = v.findings.filter((f) => f.severity === 'block').length;
  return `${n} blocking`;
}

function who(p: Person | null): string | null {
  return p ? `${personDisplayName(p)}${p.npi ? ` · NPI ${p.npi}` : ''}` : null;
}

function Fact({ label, value }: { label: string; value: string | null }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{value ?? <span className="muted">not set</span>}</dd>
    </>
  );
}
