import type { Database, Statement } from 'better-sqlite3';
import type { Person, PersonFields } from '../../../shared/domain/person';
import type { PersonRole } from '../../../shared/domain/vocabulary';

type PersonRow = {
  id: string;
  role: PersonRole;
  last_name: string;
  first_name: string;
  credential: string;
  npi: string | null;
  active: 0 | 1;
  created_at: number;
  updated_at: number;
};

function fromRow(r: PersonRow): Person {
  return {
    id: r.id,
    role: r.role,
    lastName: r.last_name,
    firstName: r.first_name,
    credential: r.credential,
    npi: r.npi,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function params(f: PersonFields) {
  return {
    role: f.role,
    last_name: f.lastName,
    first_name: f.firstName,
    credential: f.credential,
    npi: f.npi,
    active: f.active ? 1 : 0,
  };
}

export class PeopleRepo {
  readonly #get: Statement<[string], PersonRow>;
  readonly #byRoleNpi: Statement<[string, string], PersonRow>;
  readonly #insert: Statement;
  readonly #update: Statement;
  readonly #list: Statement<[], PersonRow>;

  constructor(db: Database) {
    this.#get = db.prepare('SELECT * FROM people WHERE id = ?');
    this.#byRoleNpi = db.prepare('SELECT * FROM people WHERE role = ? AND npi = ?');
    this.#insert = db.prepare(
      `INSERT INTO people (id, role, last_name, first_name, credential, npi, active, created_at, updated_at)
       VALUES (@id, @role, @last_name, @first_name, @credential, @npi, @active, @now, @now)`,
    );
    this.#update = db.prepare(
      `UPDATE people SET role = @role, last_name = @last_name, first_name = @first_name, credential = @credential,
         npi = @npi, active = @active, updated_at = @now WHERE id = @id`,
    );
    this.#list = db.prepare('SELECT * FROM people ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE');
  }

  get(id: string): Person | null {
    const r = this.#get.get(id);
    return r ? fromRow(r) : null;
  }

  findByRoleNpi(role: PersonRole, npi: string): Person | null {
    const r = this.#byRoleNpi.get(role, npi);
    return r ? fromRow(r) : null;
  }

  insert(id: string, f: PersonFields, now: number): Person {
    this.#insert.run({ id, now, ...params(f) });
    return this.get(id) as Person;
  }

  update(id: string, f: PersonFields, now: number): Person {
    this.#update.run({ id, now, ...params(f) });
    return this.get(id) as Person;
  }

  list(): Person[] {
    return this.#list.all().map(fromRow);
  }
}
