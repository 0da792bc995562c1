import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseSqlJobId, parseSqlSavepointPath } from './sql-client.js';
import { readSqlJobTemplate, RESTORE_PATH_KEY, splitStatements, sqlJobStatements, sqlScript, stopJobScript } from './sql-job.js';

const JARS = ['/opt/sql/flink-connector-kafka-5.0.0-2.2.jar', '/opt/sql/kafka-clients-4.2.0.jar'];
const template = readSqlJobTemplate();
const statementsOf = (script: string) => splitStatements(script);

describe('the SQL Click Event Count template', () => {
  test('fills every placeholder: two tables and one INSERT, no {{ left', () => {
    const st = sqlJobStatements(template, { bootstrapServers: 'broker:1', inputTopic: 'in', outputTopic: 'out', groupId: 'g' });
    expect(st.map((s) => s.split(/\s+/).slice(0, 3).join(' '))).toEqual(['CREATE TABLE input', 'CREATE TABLE output', 'INSERT INTO output']);
    expect(st.join('\n')).not.toMatch(/\{\{|--/);
    expect(st[0]).toContain("'properties.bootstrap.servers' = 'broker:1'");
    expect(st[0]).toContain("'topic' = 'in'");
    expect(st[1]).toContain("'topic' = 'out'");
    expect(st[2]).toMatch(/TUMBLE\(TABLE input, DESCRIPTOR\(ts\), INTERVAL '15' SECOND\)/);
  });

  test('an unknown placeholder, an unused value or a quote in a value is an error', () => {
    expect(() => sqlJobStatements(`${template}\nSELECT '{{nope}}';`)).toThrow(/unknown placeholder \{\{nope\}\}/);
    expect(() => sqlJobStatements(template.replaceAll('{{group.id}}', 'fixed'))).toThrow(/does not use \{\{group\.id\}\}/);
    expect(() => sqlJobStatements(template, { inputTopic: "x'; DROP TABLE output; --" })).toThrow(/quote/);
  });
});

describe('sqlScript', () => {
  test('insert: jars, settings, the restore path before the tables and the INSERT', () => {
    const st = statementsOf(sqlScript(template, {}, { jars: JARS, action: { kind: 'insert' }, parallelism: 2, savepoint: 'file:/sp/savepoint-1' }));
    expect(st.slice(0, 2)).toEqual(JARS.map((j) => `ADD JAR '${j}'`));
    expect(st).toContain("SET 'parallelism.default' = '2'");
    const restore = st.indexOf(`SET '${RESTORE_PATH_KEY}' = 'file:/sp/savepoint-1'`);
    expect(restore).toBeGreaterThan(1);
    expect(restore).toBeLessThan(st.findIndex((s) => s.startsWith('INSERT INTO')));
    expect(st.at(-1)).toMatch(/^INSERT INTO output/);
  });

  test('compile-and-execute compiles the INSERT, then executes the plan; execute-plan needs no tables', () => {
    const compiled = statementsOf(sqlScript(template, {}, { jars: JARS, action: { kind: 'compile-and-execute', planFile: '/p/plan.json' } }));
    expect(compiled.at(-2)).toMatch(/^COMPILE PLAN '\/p\/plan\.json' FOR INSERT INTO output/);
    expect(compiled.at(-1)).toBe("EXECUTE PLAN '/p/plan.json'");
    const executed = statementsOf(sqlScript(template, {}, { jars: JARS, action: { kind: 'execute-plan', planFile: '/p/plan.json' }, savepoint: '/sp/x' }));
    expect(executed.some((s) => s.startsWith('CREATE TABLE'))).toBe(false);
    expect(executed.slice(-2)).toEqual([`SET '${RESTORE_PATH_KEY}' = '/sp/x'`, "EXECUTE PLAN '/p/plan.json'"]);
  });

  test('no restore path without a savepoint', () => {
    expect(sqlScript(template, {}, { jars: JARS, action: { kind: 'insert' } })).not.toContain(RESTORE_PATH_KEY);
  });

  test('STOP JOB takes only a job id', () => {
    expect(stopJobScript('0123456789abcdef0123456789abcdef')).toContain("STOP JOB '0123456789abcdef0123456789abcdef' WITH SAVEPOINT;");
    expect(() => stopJobScript("x' OR '1")).toThrow(/not a Flink job id/);
  });
});

test('splitStatements: a ; or -- inside quotes or backticks stays; comments go', () => {
  fc.assert(
    fc.property(fc.array(fc.stringMatching(/^[a-z ;-]{0,12}$/), { minLength: 1, maxLength: 5 }), (literals) => {
      const sql = literals.map((l, i) => `-- comment ${i}; with 'a quote\nSELECT '${l}', \`c${i};\`;`).join('\n');
      const st = splitStatements(sql);
      expect(st).toEqual(literals.map((l, i) => `SELECT '${l}', \`c${i};\``));
    }),
  );
});

describe('what the SQL client prints (1.20.3 and 2.2.1)', () => {
  test('the job id of a submitted INSERT', () => {
    const out = '[INFO] Submitting SQL update statement to the cluster...\n[INFO] SQL update statement has been successfully submitted to the cluster:\nJob ID: 5f1e0c3d4b2a19876543210fedcba987\n';
    expect(parseSqlJobId(out)).toBe('5f1e0c3d4b2a19876543210fedcba987');
    expect(parseSqlJobId('[ERROR] Could not execute SQL statement.')).toBeUndefined();
  });

  test('the savepoint path of STOP JOB ... WITH SAVEPOINT', () => {
    const out = [
      '+------------------------------------------------------------------+',
      '|                                                   savepoint path |',
      '+------------------------------------------------------------------+',
      '| file:/tmp/flink-savepoints-directory/savepoint-5f1e0c-0f1e2d3c4b5a |',
      '+------------------------------------------------------------------+',
      '1 row in set',
    ].join('\n');
    expect(parseSqlSavepointPath(out)).toBe('file:/tmp/flink-savepoints-directory/savepoint-5f1e0c-0f1e2d3c4b5a');
    expect(parseSqlSavepointPath('| savepoint path |\n| (NULL) |')).toBeUndefined();
  });
});
