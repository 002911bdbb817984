/**
 * What a captured fact is. Every row in the events table has one of these kinds; text that no
 * mapping recognises is kept as a `note`, never dropped.
 */
export const EVENT_KINDS = [
  'modality_activity',
  'modality_start',
  'modality_stop',
  'baseline',
  'alert',
  'alert_resolved',
  'surgeon_notified',
  'intervention',
  'milestone',
  'anesthesia_change',
  'vitals',
  'physician_joined',
  'physician_left',
  'monitoring_start',
  'monitoring_end',
  'marker',
  'note',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const EVENT_KIND_LABELS: Readonly<Record<EventKind, string>> = {
  modality_activity: 'Activity',
  modality_start: 'Modality on',
  modality_stop: 'Modality off',
  baseline: 'Baseline',
  alert: 'Alert',
  alert_resolved: 'Alert resolved',
  surgeon_notified: 'Surgeon notified',
  intervention: 'Intervention',
  milestone: 'Milestone',
  anesthesia_change: 'Anesthesia',
  vitals: 'Vitals',
  physician_joined: 'Reader joined',
  physician_left: 'Reader left',
  monitoring_start: 'Monitoring start',
  monitoring_end: 'Monitoring end',
  marker: 'Marker',
  note: 'Note',
};
