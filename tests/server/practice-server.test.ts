import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../../electron/server/accounts';
import { addUser, freshTotp, loginCookie, request, serverCli, startTestServer, totpNow, type TestServer } from '../helpers/practice-server';

let s: TestServer;
let adminSecret: string;
let physicianSecret: string;
let billingSecret: string;

beforeAll(async () => {
  s = await startTestServer();
  adminSecret = await addUser(s.dir, 'admin.kim', ['admin']);
  physicianSecret = await addUser(s.dir, 'dr.reyes', ['physician']);
  billingSecret = await addUser(s.dir, 'billing.lee', ['billing']);
});

afterAll(async () => {
  await s?.stop();
});

describe('practice server: HTTPS, accounts, roles (real PostgreSQL, real TLS on loopback)', () => {
  it('speaks HTTPS only: a plain HTTP request gets no answer, a client not trusting the certificate is refused', async () => {
    const plain = await new Promise<string>((resolve) => {
      const c = net.connect(s.server.port, '127.0.0.1', () => c.write('GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n'));
      let got = '';
      c.on('data', (d) => (got += d.toString('latin1')));
      c.on('close', () => resolve(got));
      c.on('error', () => resolve(got));
    });
    expect(plain).not.toContain('"ok":true');
    const untrusted = await new Promise<string>((resolve) => {
      const c = tls.connect({ host: '127.0.0.1', port: s.server.port, servername: 'localhost' }, () => resolve('connected'));
      c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(untrusted).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    const h = await request(s, 'GET', '/api/health');
    expect(h.status).toBe(200);
    expect(h.body).toEqual({ ok: true, version: '0.0.0-test' });
    expect(h.headers['strict-transport-security']).toMatch(/max-age=/);
  });

  it('no call works without a session', async () => {
    for (const [m, p] of [['GET', '/api/me'], ['GET', '/api/users'], ['GET', '/api/access-log'], ['POST', '/api/enroll-codes'], ['GET', '/api/workstations']] as const) {
      const r = await request(s, m, p, m === 'POST' ? { body: {} } : {});
      expect(r.status, `${m} ${p}`).toBe(401);
      expect(r.body.code).toBe('UNAUTHENTICATED');
    }
    const forged = await request(s, 'GET', '/api/me', { cookie: 'closeout_session=not-a-session' });
    expect(forged.status).toBe(401);
  });

  it('a login needs the password and the six-digit code; each failure says the same thing', async () => {
    const wrongPw = await request(s, 'POST', '/api/login', { body: { username: 'dr.reyes', password: 'not the password!', totp: totpNow(physicianSecret) } });
    const wrongCode = await request(s, 'POST', '/api/login', { body: { username: 'dr.reyes', password: 'a long enough passphrase', totp: '000000' } });
    const noUser = await request(s, 'POST', '/api/login', { body: { username: 'nobody.here', password: 'a long enough passphrase', totp: '123456' } });
    for (const r of [wrongPw, wrongCode, noUser]) {
      expect(r.status).toBe(401);
      expect(r.body.message).toBe('The user name, password or six-digit code is not right.');
    }
    const used = freshTotp(physicianSecret);
    const first = await request(s, 'POST', '/api/login', { body: { username: 'dr.reyes', password: 'a long enough passphrase', totp: used } });
    expect(first.status).toBe(200);
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    const me = await request(s, 'GET', '/api/me', { cookie });
    expect(me.status).toBe(200);
    expect(me.body.account).toMatchObject({ username: 'dr.reyes', roles: ['physician'] });
    // The same code again (seen over a shoulder) is refused.
    const again = await request(s, 'POST', '/api/login', { body: { username: 'dr.reyes', password: 'a long enough passphrase', totp: used } });
    expect(again.status).toBe(401);
    // The session cookie is HttpOnly, Secure, SameSite=Strict; the token is not in the body.
    const ok = await request(s, 'POST', '/api/login', { body: { username: 'dr.reyes', password: 'a long enough passphrase', totp: freshTotp(physicianSecret) } });
    expect(String(ok.headers['set-cookie'])).toMatch(/HttpOnly; Secure; SameSite=Strict/);
    expect(JSON.stringify(ok.body)).not.toContain(String(ok.headers['set-cookie']).split(';')[0]!.split('=')[1]);
  });

  it('roles are enforced on the server for every call', async () => {
    const billing = await loginCookie(s, 'billing.lee', billingSecret);
    const physician = await loginCookie(s, 'dr.ortiz', await addUser(s.dir, 'dr.ortiz', ['physician']));
    for (const cookie of [billing, physician]) {
      expect((await request(s, 'GET', '/api/users', { cookie })).status).toBe(403);
      expect((await request(s, 'POST', '/api/enroll-codes', { cookie, body: { workstationName: 'OR 9' } })).status).toBe(403);
      expect((await request(s, 'GET', '/api/access-log', { cookie })).status).toBe(403);
      expect((await request(s, 'GET', '/api/workstation/ping', { cookie })).status).toBe(403);
    }
    const admin = await loginCookie(s, 'admin.kim', adminSecret);
    const users = await request(s, 'GET', '/api/users', { cookie: admin });
    expect(users.status).toBe(200);
    expect(users.body.users.map((u: { username: string }) => u.username)).toEqual(expect.arrayContaining(['admin.kim', 'billing.lee', 'dr.reyes']));
    expect(JSON.stringify(users.body)).not.toMatch(/scrypt|totp_secret|password/);
    // A JSON API: a cross-site form post (not JSON) is refused even with the cookie.
    const form = await request(s, 'POST', '/api/enroll-codes', { cookie: admin, body: 'workstationName=OR+9', contentType: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(400);
  });

  it('sessions expire when idle and at their fixed age; logout ends one', async () => {
    const cookie = await loginCookie(s, 'billing.lee', billingSecret);
    expect((await request(s, 'GET', '/api/me', { cookie })).status).toBe(200);
    await s.db.pool.query(`UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`, [cookie.split('=')[1]]);
    expect((await request(s, 'GET', '/api/me', { cookie })).status).toBe(401);
    const second = await loginCookie(s, 'billing.ng', await addUser(s.dir, 'billing.ng', ['billing']));
    await s.db.pool.query(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')`, [second.split('=')[1]]);
    expect((await request(s, 'GET', '/api/me', { cookie: second })).status).toBe(401);
    const admin = await loginCookie(s, 'admin.kim', adminSecret);
    expect((await request(s, 'POST', '/api/logout', { cookie: admin, body: {} })).status).toBe(200);
    expect((await request(s, 'GET', '/api/me', { cookie: admin })).status).toBe(401);
  });

  it(`login rate limit: after ${LOGIN_LIMITS.perAccount} failures even the right password and code are refused`, async () => {
    const secret = await addUser(s.dir, 'dr.locked', ['physician']);
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) {
      const r = await request(s, 'POST', '/api/login', { body: { username: 'dr.locked', password: `wrong password ${i}`, totp: '111111' } });
      expect(r.status).toBe(401);
    }
    const right = await request(s, 'POST', '/api/login', { body: { username: 'dr.locked', password: 'a long enough passphrase', totp: totpNow(secret) } });
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('RATE_LIMITED');
    expect(right.body.message).toMatch(/Wait 15 minutes/);
  });

  it('a workstation enrolls once with a one-time code, is known by its credential, and can be revoked', async () => {
    const admin = await loginCookie(s, 'admin.two', await addUser(s.dir, 'admin.two', ['admin']));
    const made = await request(s, 'POST', '/api/enroll-codes', { cookie: admin, body: { workstationName: 'OR 3', hours: 1 } });
    expect(made.status).toBe(201);
    const code: string = made.body.code;
    const enrolled = await request(s, 'POST', '/api/enroll', { body: { code: code.toLowerCase().replace(/-/g, ' ') } });
    expect(enrolled.status).toBe(201);
    expect(enrolled.body.workstation.name).toBe('OR 3');
    const credential: string = enrolled.body.credential;
    expect((await request(s, 'POST', '/api/enroll', { body: { code } })).status).toBe(401);
    const ping = await request(s, 'GET', '/api/workstation/ping', { auth: `Workstation ${credential}` });
    expect(ping.status).toBe(200);
    expect(ping.body.workstation.id).toBe(enrolled.body.workstation.id);
    // A workstation is not a person: it reaches no person's routes.
    expect((await request(s, 'GET', '/api/users', { auth: `Workstation ${credential}` })).status).toBe(403);
    const revoke = await serverCli(['workstation', 'revoke', enrolled.body.workstation.id, '--dir', s.dir, '--json']);
    expect(revoke.code).toBe(0);
    const after = await request(s, 'GET', '/api/workstation/ping', { auth: `Workstation ${credential}` });
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/no longer\) enrolled/);
    // An expired code does not work either.
    await s.db.pool.query(`UPDATE enroll_codes SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL`);
    const stale = await serverCli(['enroll-code', '--dir', s.dir, '--workstation', 'OR 4', '--json']);
    await s.db.pool.query(`UPDATE enroll_codes SET expires_at = now() - interval '1 minute' WHERE used_at IS NULL`);
    expect((await request(s, 'POST', '/api/enroll', { body: { code: JSON.parse(stale.stdout).code } })).status).toBe(401);
  });

  it('the access log records logins and admin acts, exports as CSV (its own export recorded), and the server log holds no names', async () => {
    const admin = await loginCookie(s, 'admin.three', await addUser(s.dir, 'admin.three', ['admin']));
    const csv = await request(s, 'GET', '/api/access-log?format=csv', { cookie: admin });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('at,actor_kind,actor_id,actor_name,action,case_id,ip,detail');
    expect(csv.text).toMatch(/,dr\.reyes,login,/);
    expect(csv.text).toMatch(/workstation\.revoke/);
    const json = await request(s, 'GET', '/api/access-log', { cookie: admin });
    expect(json.body.entries.at(-1)).toMatchObject({ action: 'access_log.export', actorName: 'admin.three' });
    const cli = await serverCli(['access-log', '--dir', s.dir, '--json']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout).length).toBeGreaterThan(5);
    // The server's own log: routes and statuses, never who or what.
    expect(s.logLines.length).toBeGreaterThan(20);
    const all = s.logLines.join('\n');
    for (const secret of ['dr.reyes', 'admin.kim', 'admin.three', 'billing.lee', 'passphrase', 'OR 3', 'Synthetic']) expect(all).not.toContain(secret);
    expect(all).toContain('"route":"/api/login"');
  });
});

describe('closeout-server CLI', () => {
  it('bad input exits 2 with a plain message; --json errors are JSON', async () => {
    const role = await serverCli(['user', 'add', '--dir', s.dir, '--username', 'x.y', '--name', 'X', '--role', 'surgeon', '--password-stdin'], 'a long enough passphrase\n');
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(/"surgeon" is not a role/);
    const weak = await serverCli(['user', 'add', '--dir', s.dir, '--username', 'x.y', '--name', 'X', '--role', 'billing', '--password-stdin', '--json'], 'short\n');
    expect(weak.code).toBe(2);
    expect(JSON.parse(weak.stderr)).toMatchObject({ ok: false, code: 'BAD_INPUT' });
    const dup = await serverCli(['user', 'add', '--dir', s.dir, '--username', 'DR.REYES', '--name', 'X', '--role', 'billing', '--password-stdin'], 'a long enough passphrase\n');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/already a user named "dr.reyes"/);
    const nowhere = await serverCli(['status', '--dir', `${s.dir}-missing`]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/no practice server in .*Run "closeout-server init"/);
    const again = await serverCli(['init', '--dir', s.dir]);
    expect(again.code).toBe(2);
    const unknown = await serverCli(['frobnicate', '--dir', s.dir]);
    expect(unknown.code).toBe(2);
    const flag = await serverCli(['status', '--bogus']);
    expect(flag.code).toBe(2);
  });

  it('status names the database and the certificate fingerprint the workstations pin', async () => {
    const r = await serverCli(['status', '--dir', s.dir, '--json']);
    expect(r.code).toBe(0);
    const st = JSON.parse(r.stdout);
    expect(st.database).toMatch(/^PostgreSQL in .*\(version 18\./);
    expect(st.fingerprint).toBe(s.server.fingerprint);
  });
});

describe('practice database migrations', () => {
  it('run once; a database set up by a newer server is refused with nothing changed', async () => {
    const { migrate, LATEST_SERVER_SCHEMA } = await import('../../electron/server/pg/migrations');
    expect(await migrate(s.db.pool)).toEqual({ from: LATEST_SERVER_SCHEMA, to: LATEST_SERVER_SCHEMA });
    const tables = async () => (await s.db.pool.query(`SELECT string_agg(table_name, ',' ORDER BY table_name) AS t FROM information_schema.tables WHERE table_schema = 'public'`)).rows[0].t;
    const before = await tables();
    expect(before).toContain('ws_events');
    await s.db.pool.query(`INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')`);
    try {
      await expect(migrate(s.db.pool)).rejects.toMatchObject({ code: 'DB_NEWER' });
      expect(await tables()).toBe(before);
    } finally {
      await s.db.pool.query('DELETE FROM schema_migrations WHERE version = 999');
    }
  });
});
