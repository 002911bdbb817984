import path from 'node:path';
import type Database from 'better-sqlite3';
import { markClosed, openPrivately, type IntegrityCheck, type OpenDbOptions } from './open-db';
import type { PrivacyCheck } from './private-folder';
import { CasesRepo } from './cases-repo';
import { PeopleRepo } from './people-repo';
import { EventsRepo } from './events-repo';
import { AuditRepo } from './audit-repo';
import { AuditAnchor } from './audit-anchor';
import { SettingsRepo } from './settings-repo';
import { CaptureRepo } from './capture-repo';
import { ReportRepo } from './report-repo';
import { UsersRepo } from './users-repo';
import { SyncRepo } from '../sync/sync-repo';
import { BillingRepo } from './billing-repo';
import { DeliveryRepo } from './delivery-repo';
import { DashboardRepo } from './dashboard-repo';
import { schemaVersion } from './migrations';

/** The open database and its repositories. The backend holds exactly one: the only writer. */
export class Store {
  readonly cases: CasesRepo;
  readonly people: PeopleRepo;
  readonly events: EventsRepo;
  readonly audit: AuditRepo;
  readonly settings: SettingsRepo;
  readonly capture: CaptureRepo;
  readonly report: ReportRepo;
  readonly users: UsersRepo;
  #sync: SyncRepo | null = null;
  readonly billing: BillingRepo;
  readonly delivery: DeliveryRepo;
  readonly dashboard: DashboardRepo;

  private constructor(
    readonly db: Database.Database,
    /** Whether the data folder could be made private to this user (warnings when not). */
    readonly privacy: PrivacyCheck = { tightened: [], warnings: [] },
    /** Whether opening checked the whole file (see open-db.ts leftAsClosed). */
    readonly integrity: IntegrityCheck = 'checked',
    audit: AuditRepo = new AuditRepo(db),
  ) {
    this.cases = new CasesRepo(db);
    this.people = new PeopleRepo(db);
    this.events = new EventsRepo(db);
    this.audit = audit;
    this.settings = new SettingsRepo(db);
    this.capture = new CaptureRepo(db);
    this.report = new ReportRepo(db);
    this.users = new UsersRepo(db);
    this.billing = new BillingRepo(db);
    this.delivery = new DeliveryRepo(db);
    this.dashboard = new DashboardRepo(db);
  }

  /** What the practice server has not received yet (#17); prepared at first use, not at every open. */
  get sync(): SyncRepo {
    return (this.#sync ??= new SyncRepo(this.db, this.settings));
  }

  static open(opts: OpenDbOptions): Store {
    const { db, privacy, integrity } = openPrivately(opts);
    const audit = new AuditRepo(db);
    const storeId = new SettingsRepo(db).get<string>('audit.storeId');
    const warning = storeId ? audit.attach(new AuditAnchor(path.dirname(db.name), storeId), Date.now()) : null;
    return new Store(db, warning ? { ...privacy, warnings: [...privacy.warnings, warning] } : privacy, integrity, audit);
  }

  /** The data folder the database lives in (for messages about its disk). */
  get dataDir(): string {
    return path.dirname(this.db.name);
  }

  get schemaVersion(): number {
    return schemaVersion(this.db);
  }

  /** Run `fn` in an IMMEDIATE transaction: all of it is stored, or none of it. */
  write<T>(fn: () => T): T {
    // The audit repo runs the transaction: it moves the audit anchor before COMMIT (audit-anchor.ts).
    return this.audit.write(fn);
  }

  close(): void {
    if (!this.db.open) return;
    this.db.close();
    markClosed(this.dataDir);
  }
}
