import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { REPO_ROOT } from './settings.js';
import { HarnessError } from './harness-error.js';
import { BUILTIN_JAR, jobSpecOf, loadJobDeclaration, parseJobDeclaration } from './job-declaration.js';
import { DEDUP_JOB, programArgs } from './job-spec.js';

const fixture = (f: string) => path.join(REPO_ROOT, 'config/fixtures/jobs', f);
/** Parsed from data: the same checks as a file named x.yaml in the fixtures. */
const loadJobDeclarationFrom = (raw: unknown) => parseJobDeclaration(raw, fixture('x.yaml'));
const errorOf = (f: string): HarnessError => {
  try {
    loadJobDeclaration(f);
  } catch (e) {
    return e as HarnessError;
  }
  throw new Error(`${f} was accepted`);
};

describe('job declarations', () => {
  test('the committed dedup declaration loads and submits the built-in dedup job', () => {
    const d = loadJobDeclaration(path.join(REPO_ROOT, 'jobs/dedup.yaml'));
    expect(d).toMatchObject({ name: 'dedup', jar: BUILTIN_JAR, sink: 'exactly-once', reference: 'distinct-input', referenceRuns: 2, output: { key: '$.id', id: '$.id' } });
    const spec = jobSpecOf(d);
    expect(spec.entryClass).toBe(DEDUP_JOB.entryClass);
    expect(programArgs(spec, 'kafka:9092', { groupId: 'g1' })).toEqual([
      '--bootstrap.servers', 'kafka:9092', '--input-topic', 'input', '--output-topic', 'output', '--group-id', 'g1', '--checkpointing', '--exactly-once',
    ]);
  });

  test('a JSON declaration with its own jar and a topic dump: paths resolved beside the file, every placeholder filled', () => {
    const d = loadJobDeclaration(fixture('good-own-jar.json'));
    expect(d.jar).toBe(fixture('fake-job.jar'));
    expect(d.dumpFile).toBe(fixture('input-dump.jsonl'));
    expect(d.referenceRuns).toBe(2);
    expect(programArgs(jobSpecOf(d), 'b:9092', { parallelism: '2' })).toEqual(['--brokers', 'b:9092', '--in', 'input', '--out', 'output', '--p', '2', '--ckpt', '1000']);
  });

  test('a wrong type names the field path and what it got', () => {
    const e = errorOf(fixture('bad-keys.yaml'));
    expect(e).toBeInstanceOf(HarnessError);
    expect(e.message).toBe('bad-keys.yaml: input.generator.keys: expected a positive integer, got "ten"');
  });

  test('every problem of a bad file is named, one line each', () => {
    const lines = errorOf(fixture('bad-many.yaml')).message.split('\n');
    const expected = [
      'bad-many.yaml: (top level): Unrecognized key: "colour"',
      'bad-many.yaml: entryClass: expected a fully qualified Java class name, got "EventDeduplication"',
      'bad-many.yaml: args.1: unknown placeholder {inputTopc}',
      'bad-many.yaml: input.generator.rate: expected a positive integer, got -5',
      'bad-many.yaml: input.generator.eventTime.pattern: expected pattern: ascending, wall-clock or out-of-order',
      'bad-many.yaml: input.generator.template.name: unknown template field {nme}',
      'bad-many.yaml: input.generator.template: the template must carry {id}',
      'bad-many.yaml: output.key: expected a JSON path ($.field) or "key" (the Kafka record key), got "id"',
      'bad-many.yaml: deterministic: expected true or false, got "yes"',
      'bad-many.yaml: sink: expected exactly-once or at-least-once, got "exactly-twice"',
    ];
    for (const want of expected) expect(lines.some((l) => l.startsWith(want)), `${want}\nin:\n${lines.join('\n')}`).toBe(true);
  });

  test('input needs exactly one of generator or dump; a missing field says so; a missing jar or file is one clear error', () => {
    const base = { jar: 'builtin', entryClass: 'a.B', args: [], output: { key: '$.id' }, deterministic: true, sink: 'at-least-once' };
    const msg = (raw: unknown) => {
      try {
        loadJobDeclarationFrom(raw);
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(msg({ ...base, input: {} })).toContain('x.yaml: input: expected exactly one of input.generator or input.dump');
    expect(msg({ ...base, input: { dump: 'nope.jsonl' } })).toContain('x.yaml: input.dump: no such file');
    expect(msg({ ...base, jar: 'missing.jar', input: { dump: 'input-dump.jsonl' } })).toContain('x.yaml: jar: no such file');
    expect(msg({ ...base, sink: 'exactly-once', input: { dump: 'input-dump.jsonl' } })).toContain('x.yaml: transactionalIdPrefix: expected the transactional-id prefix');
    expect(msg({ ...base, entryClass: undefined, input: { dump: 'input-dump.jsonl' } })).toContain('x.yaml: entryClass: expected a Java class name, missing');
    expect(errorOf(fixture('none.yaml')).message).toContain('none.yaml: no such file');
  });
});
