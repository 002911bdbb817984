import type { Delivery } from '../../../../shared/ehr/delivery';
import type { Destination } from '../../../../shared/ehr/settings';

export type DestinationRow = Readonly<{
  id: string;
  name: string;
  kind: Destination['kind'];
  /** The newest delivery of this version to this destination, or null: not sent yet. */
  latest: Delivery | null;
  /** Set up and enabled now (a row can remain from a destination since removed or disabled). */
  configured: boolean;
}>;

export const KIND_LABELS: Readonly<Record<Destination['kind'], string>> = {
  folder: 'Drop folder',
  mllp: 'HL7 MDM over MLLP',
};

/**
 * One row per destination for the version shown: every enabled destination (in the settings'
 * order), then any other destination this version already went to. Pure, for the panel.
 */
export function destinationRows(destinations: readonly Destination[], deliveries: readonly Delivery[], version: number): DestinationRow[] {
  const ofVersion = deliveries.filter((d) => d.version === version);
  const latest = (id: string) => ofVersion.filter((d) => d.destinationId === id).reduce<Delivery | null>((a, d) => (a && a.id > d.id ? a : d), null);
  const enabled = destinations.filter((d) => d.enabled);
  const rows: DestinationRow[] = enabled.map((d) => ({ id: d.id, name: d.name, kind: d.kind, latest: latest(d.id), configured: true }));
  for (const d of ofVersion) {
    if (rows.some((r) => r.id === d.destinationId)) continue;
    rows.push({ id: d.destinationId, name: d.destinationName, kind: d.kind, latest: latest(d.destinationId), configured: false });
  }
  return rows;
}

/** Every delivery, newest first. */
export function newestFirst(deliveries: readonly Delivery[]): Delivery[] {
  return [...deliveries].sort((a, b) => b.id - a.id);
}
