import type { Database, Statement } from 'better-sqlite3';
import type { User, UserRole } from '../../../shared/domain/user';

type UserRow = { id: string; name: string; role: UserRole; person_id: string | null; pin_hash: string | null; active: 0 | 1 };

export type StoredUser = User & Readonly<{ pinHash: string | null }>;

function userFromRow(r: UserRow): StoredUser {
  return { id: r.id, name: r.name, role: r.role, personId: r.person_id, hasPin: r.pin_hash !== null, active: r.active === 1, pinHash: r.pin_hash };
}

/** The people who sign, bill and administer: their roles and PIN hashes (never a PIN). */
export class UsersRepo {
  readonly #users: Statement<[], UserRow>;
  readonly #user: Statement<[string], UserRow>;
  readonly #userByName: Statement<[string], UserRow>;
  readonly #insertUser: Statement;
  readonly #updateUser: Statement;
  readonly #setPin: Statement<[string | null, number, string]>;

  constructor(db: Database) {
    this.#users = db.prepare('SELECT * FROM users ORDER BY name COLLATE NOCASE');
    this.#user = db.prepare('SELECT * FROM users WHERE id = ?');
    this.#userByName = db.prepare('SELECT * FROM users WHERE name = ? COLLATE NOCASE');
    this.#insertUser = db.prepare('INSERT INTO users (id, name, role, person_id, pin_hash, active, created_at, updated_at) VALUES (@id, @name, @role, @person_id, @pin_hash, @active, @now, @now)');
    this.#updateUser = db.prepare('UPDATE users SET name = @name, role = @role, person_id = @person_id, active = @active, updated_at = @now WHERE id = @id');
    this.#setPin = db.prepare('UPDATE users SET pin_hash = ?, updated_at = ? WHERE id = ?');
  }

  list(): StoredUser[] {
    return this.#users.all().map(userFromRow);
  }

  get(id: string): StoredUser | null {
    const r = this.#user.get(id);
    return r ? userFromRow(r) : null;
  }

  findByName(name: string): StoredUser | null {
    const r = this.#userByName.get(name);
    return r ? userFromRow(r) : null;
  }

  insert(u: Readonly<{ id: string; name: string; role: UserRole; personId: string | null; pinHash: string | null; active: boolean }>, now: number): StoredUser {
    this.#insertUser.run({ id: u.id, name: u.name, role: u.role, person_id: u.personId, pin_hash: u.pinHash, active: u.active ? 1 : 0, now });
    return this.get(u.id) as StoredUser;
  }

  update(u: Readonly<{ id: string; name: string; role: UserRole; personId: string | null; active: boolean }>, now: number): StoredUser {
    this.#updateUser.run({ id: u.id, name: u.name, role: u.role, person_id: u.personId, active: u.active ? 1 : 0, now });
    return this.get(u.id) as StoredUser;
  }

  setPinHash(id: string, hash: string | null, now: number): void {
    this.#setPin.run(hash, now, id);
  }
}
