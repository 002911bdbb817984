import { AiSettingsCard } from './AiSettingsCard';
import { BillingSettingsCard } from './BillingSettingsCard';
import { ChargesExportCard } from './ChargesExportCard';
import { EhrSettingsCard } from './EhrSettingsCard';
import { PracticeServerCard } from './PracticeServerCard';

export function SettingsPage() {
  return (
    <section className="page">
      <h1>Settings</h1>
      <AiSettingsCard />
      <EhrSettingsCard />
      <BillingSettingsCard />
      <ChargesExportCard />
      <PracticeServerCard />
    </section>
  );
}
