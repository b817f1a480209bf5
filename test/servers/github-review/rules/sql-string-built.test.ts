import { describe, expect, it } from 'vitest';
import {
  looksLikeSql,
  sqlStringBuiltRule,
} from '../../../../servers/github-review/rules/sql-string-built.js';
import { changedFile, input, newFile } from '../support/diffs.js';

const lines = (path: string, l: string[]) =>
  sqlStringBuiltRule.check(input(newFile(path, l)), undefined).map((f) => f.line);

describe('sql/string-built', () => {
  it('flags interpolation and concatenation in JS/TS', () => {
    expect(
      lines('src/repo.ts', [
        "const a = await db.query(`SELECT * FROM residents WHERE email = '${email}'`);",
        "const b = await db.query('SELECT id FROM units WHERE property_id = ' + propertyId);",
        "let q = 'DELETE FROM leases WHERE id = ' + req.params.id;",
        'query += " AND name = \'" + name + "\'";',
        'await sql.raw(`UPDATE units SET rent = ${rent}`).execute(db);',
      ]),
    ).toEqual([1, 2, 3, 4, 5]);
  });

  it('flags multi-line template literals with interpolation', () => {
    expect(
      lines('src/report.ts', [
        'const rows = await pool.query(`',
        '  SELECT unit, rent',
        '  FROM units',
        "  WHERE city = '${city}'",
        '`);',
      ]),
    ).toEqual([4]);
  });

  it('flags Python f-strings, % and .format, Go Sprintf', () => {
    expect(lines('app/repo.py', ['cur.execute(f"SELECT * FROM users WHERE id = {user_id}")'])).toEqual([1]);
    expect(lines('app/repo.py', ['cur.execute("SELECT * FROM users WHERE name = \'%s\'" % name)'])).toEqual([
      1,
    ]);
    expect(lines('app/repo.py', ['cur.execute("DELETE FROM t WHERE id = {}".format(tid))'])).toEqual([1]);
    expect(lines('cmd/repo.go', ['q := fmt.Sprintf("SELECT * FROM users WHERE id = %s", id)'])).toEqual([1]);
    expect(
      lines('app/repo.py', [
        'cur.execute(f"""',
        '    SELECT * FROM users',
        '    WHERE id = {user_id}',
        '""")',
      ]),
    ).toEqual([3]);
  });

  it('leaves parameterised queries and safe tags alone', () => {
    expect(
      lines('src/repo.ts', [
        "await db.query('SELECT * FROM residents WHERE email = $1', [email]);",
        'await sql`SELECT * FROM residents WHERE email = ${email}`.execute(db);',
        'const rows = await prisma.$queryRaw`SELECT * FROM units WHERE id = ${id}`;',
        "cur.execute('SELECT * FROM users WHERE id = %s', (user_id,))",
        "const q = 'SELECT * FROM ' + TABLE_NAME + ' WHERE id = $1';",
        'const msg = `Select a unit from the list, ${name}`;',
        "logger.info('updated ' + count + ' rows');",
        'const t = `Order by ${date} to get the discount`;',
      ]),
    ).toEqual([]);
  });

  it('only looks at added lines of source files', () => {
    const diff = changedFile('src/repo.ts', {
      before: ["const old = db.query('SELECT * FROM t WHERE id = ' + id);"],
      added: ['const x = 1;'],
    });
    expect(sqlStringBuiltRule.check(input(diff), undefined)).toEqual([]);
    expect(lines('docs/sql.md', ["`SELECT * FROM t WHERE id = ' + id`"])).toEqual([]);
  });

  it('recognises SQL but not English', () => {
    expect(looksLikeSql('SELECT a, b FROM t')).toBe(true);
    expect(looksLikeSql('select count(*) from leases')).toBe(true);
    expect(looksLikeSql(' WHERE id = ')).toBe(true);
    expect(looksLikeSql('Please select a unit from the list')).toBe(false);
    expect(looksLikeSql('Update your profile settings')).toBe(false);
  });
});
