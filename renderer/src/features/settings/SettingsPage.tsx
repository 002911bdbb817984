import { AiSettingsCard } from './AiSettingsCard';
import { BillingSettingsCard } from './BillingSettingsCard';
import { ChargesExportCard } from './ChargesExportCard';
import { EhrSettingsCard } from './EhrSettingsCard';

export function SettingsPage() {
  return (
    <section className="page">
      <h1>Settings</h1>
      <AiSettingsCard />
      <EhrSettingsCard />
      <BillingSettingsCard />
      <ChargesExportCard />
    </section>
  );
}
