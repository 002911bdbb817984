import { useState } from 'react';
import { href, type PracticeTab } from '../../app/router';
import { DashboardView, type DashboardRange } from './DashboardView';
import { DEFAULT_DRAFT, RoiCalculator, type RoiDraft } from './RoiCalculator';

const TABS: ReadonlyArray<Readonly<{ id: PracticeTab; label: string }>> = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'roi', label: 'ROI calculator' },
];

// Kept while the app runs, so switching pages does not lose what was typed.
let keptDraft: RoiDraft = DEFAULT_DRAFT;
let keptRange: DashboardRange = {};

/** The practice owner's view: what the practice's own cases show, and what denials cost. */
export function PracticePage({ tab }: { tab: PracticeTab }) {
  const [draft, setDraft] = useState<RoiDraft>(keptDraft);
  const [range, setRange] = useState<DashboardRange>(keptRange);
  const onDraft = (d: RoiDraft) => {
    keptDraft = d;
    setDraft(d);
  };
  const onRange = (r: DashboardRange) => {
    keptRange = r;
    setRange(r);
  };
  return (
    <div className="page practice">
      <div className="page-head">
        <h1>Practice</h1>
      </div>
      <div className="tabs" role="tablist" aria-label="Practice">
        {TABS.map((t) => (
          <a key={t.id} role="tab" id={`practice-tab-${t.id}`} aria-selected={tab === t.id} aria-controls="practice-panel" className={`tab-link${tab === t.id ? ' active' : ''}`} href={href({ name: 'practice', tab: t.id })}>
            {t.label}
          </a>
        ))}
      </div>
      <div role="tabpanel" id="practice-panel" aria-labelledby={`practice-tab-${tab}`}>
        {tab === 'dashboard' ? <DashboardView range={range} onRange={onRange} /> : <RoiCalculator draft={draft} onDraft={onDraft} range={range} />}
      </div>
    </div>
  );
}
