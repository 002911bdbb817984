import { AiSettingsCard } from './AiSettingsCard';
import { BillingSettingsCard } from './BillingSettingsCard';

export function SettingsPage() {
  return (
    <section className="page">
      <h1>Settings</h1>
      <AiSettingsCard />
      <BillingSettingsCard />
    </section>
  );
}
