// A job declaration: "bring your own job". One YAML or JSON file says which
// jar and entry class to run, with which arguments, on which input, how to
// key its output and what its sink promises; the own-job scenarios
// (scenarios/own-job.test.ts) run any job so declared.
//
// Validated with zod: the schema is the type (one home for both), and every
// issue carries its field path, so an error reads
//   job.yaml: input.generator.keys: expected a positive integer, got "ten"
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ARG_PLACEHOLDERS, type JobSpec } from './job-spec.js';
import { HarnessError } from './harness-error.js';

/** `jar: builtin`: the harness's own job jar (job/), built for the run's Flink release. */
export const BUILTIN_JAR = 'builtin';

const positiveInt = z
  .number({ error: 'expected a positive integer' })
  .int({ error: 'expected a positive integer' })
  .positive({ error: 'expected a positive integer' });
const nonNegativeInt = z.number({ error: 'expected a whole number >= 0' }).int({ error: 'expected a whole number >= 0' }).nonnegative({ error: 'expected a whole number >= 0' });
const text = (what: string) => z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });

/** Where each record's event time comes from. */
const eventTime = z.discriminatedUnion(
  'pattern',
  [
    /** Start + n * stepMs: strictly ascending, as fast as the rate allows. */
    z.object({ pattern: z.literal('ascending'), startMs: nonNegativeInt.optional(), stepMs: positiveInt }).strict(),
    /** The generator's wall clock at send time. */
    z.object({ pattern: z.literal('wall-clock') }).strict(),
    /** Ascending, each record shifted back by up to maxDelayMs (deterministic per record). */
    z.object({ pattern: z.literal('out-of-order'), startMs: nonNegativeInt.optional(), stepMs: positiveInt, maxDelayMs: positiveInt }).strict(),
  ],
  { error: 'expected pattern: ascending, wall-clock or out-of-order' },
);

/** A JSON record template: strings may hold {id}, {seq}, {key}, {timestamp}; a string that is only {seq} or {timestamp} becomes a number. */
const TEMPLATE_FIELDS = ['id', 'seq', 'key', 'timestamp'] as const;
const template = z.record(z.string(), z.unknown(), { error: 'expected a JSON object (the record template)' }).superRefine((t, ctx) => {
  const walk = (v: unknown, at: (string | number)[]) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/\{([A-Za-z]+)\}/g)) {
        if (!(TEMPLATE_FIELDS as readonly string[]).includes(m[1]!)) {
          ctx.addIssue({ code: 'custom', path: at, message: `unknown template field {${m[1]}} (known: ${TEMPLATE_FIELDS.map((f) => `{${f}}`).join(', ')})` });
        }
      }
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
  };
  walk(t, []);
  if (!JSON.stringify(t).includes('{id}')) ctx.addIssue({ code: 'custom', path: [], message: 'the template must carry {id}: each event needs its own identity' });
});

export const generatorSpecSchema = z
  .object({
    /** Distinct values of {key}: key-0 .. key-(keys-1). */
    keys: positiveInt,
    /** Events per second (wall clock), duplicates included. */
    rate: positiveInt,
    /** Distinct events in all; the scenario's phases split them. */
    events: positiveInt.optional(),
    eventTime,
    /** Every `every`-th event is sent a second time, identical, up to maxLagEvents later (input duplicates on purpose). */
    duplicates: z.object({ every: positiveInt, maxLagEvents: positiveInt }).strict().optional(),
    template,
  })
  .strict();

const outputKey = z
  .string({ error: 'expected a JSON path ($.field) or "key" (the Kafka record key)' })
  .regex(/^(key|\$(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])+)$/, { error: 'expected a JSON path ($.field) or "key" (the Kafka record key)' });

export const jobDeclarationSchema = z
  .object({
    /** For reports; default: the file's name. */
    name: text('a name').optional(),
    /** A jar path (relative to this file) or "builtin". */
    jar: text('a jar path or "builtin"'),
    entryClass: z.string({ error: 'expected a Java class name' }).regex(/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$/, { error: 'expected a fully qualified Java class name' }),
    /** The name the job runs under (how an unanswered REST submission finds it). */
    jobName: text('the job name').optional(),
    args: z.array(z.string({ error: 'expected a string' }), { error: 'expected a list of arguments' }).superRefine((args, ctx) => {
      args.forEach((a, i) => {
        for (const m of a.matchAll(/\{([A-Za-z]+)\}/g)) {
          if (!(ARG_PLACEHOLDERS as readonly string[]).includes(m[1]!)) {
            ctx.addIssue({ code: 'custom', path: [i], message: `unknown placeholder {${m[1]}} (known: ${ARG_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})` });
          }
        }
      });
    }),
    input: z
      .object({
        generator: generatorSpecSchema.optional(),
        /** A recorded topic dump: JSON lines of {"value": <string or JSON>, "key"?: string} (relative to this file). */
        dump: text('a dump file path').optional(),
      }, { error: 'expected an object with generator or dump' })
      .strict()
      .refine((i) => (i.generator === undefined) !== (i.dump === undefined), { error: 'expected exactly one of input.generator or input.dump' }),
    output: z
      .object({
        /** What identifies an output record for the differential oracle. */
        key: outputKey,
        /** The event id in each output record: enables the record-by-record id check (one record per input event). */
        id: outputKey.optional(),
      }, { error: 'expected an object with key' })
      .strict(),
    /** Whether a fault-free run gives the same output on the same input; false: the differential oracle cannot judge it. */
    deterministic: z.boolean({ error: 'expected true or false' }),
    sink: z.enum(['exactly-once', 'at-least-once'], { error: 'expected exactly-once or at-least-once' }),
    /**
     * The expected output: a fault-free run of the same job on the same input
     * (default), or, for a job that writes each distinct input event once as it
     * came in (deduplication), the distinct input itself.
     */
    reference: z.enum(['fault-free-run', 'distinct-input'], { error: 'expected fault-free-run or distinct-input' }).default('fault-free-run'),
    /** Fault-free reference runs; two or more also check the job is deterministic. */
    referenceRuns: positiveInt.max(3, { error: 'expected at most 3' }).default(2),
    /** The exactly-once sink's transactional-id prefix (the fence lists its open transactions). */
    transactionalIdPrefix: text('a prefix').optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.reference === 'distinct-input' && !d.input.generator) ctx.addIssue({ code: 'custom', path: ['reference'], message: 'distinct-input needs input.generator (a dump has no ids the harness knows)' });
    if (d.sink === 'exactly-once' && !d.transactionalIdPrefix) ctx.addIssue({ code: 'custom', path: ['transactionalIdPrefix'], message: 'expected the transactional-id prefix of the exactly-once sink' });
  });

export type GeneratorSpec = z.infer<typeof generatorSpecSchema>;
export type JobDeclarationFields = z.infer<typeof jobDeclarationSchema>;

/** A validated declaration, its paths resolved. */
export interface JobDeclaration extends JobDeclarationFields {
  name: string;
  file: string;
  /** Absolute path, or BUILTIN_JAR. */
  jar: string;
  /** Absolute path of input.dump, when given. */
  dumpFile?: string;
}

/** Validates raw declaration data; `file` names it in errors and anchors relative paths. */
export function parseJobDeclaration(raw: unknown, file: string): JobDeclaration {
  const label = path.basename(file);
  const r = jobDeclarationSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => {
      const at = i.path.length ? i.path.map(String).join('.') : '(top level)';
      const got = valueAt(raw, i.path);
      const seen = i.code === 'unrecognized_keys' || i.code === 'custom' ? '' : got === undefined ? ', missing' : `, got ${describe(got)}`;
      return `${label}: ${at}: ${i.message}${seen}`;
    });
    throw new HarnessError(lines.join('\n'), `Fix the field(s) named above in ${file} (see jobs/dedup.yaml for a complete declaration).`);
  }
  const d = r.data;
  const dir = path.dirname(path.resolve(file));
  const jar = d.jar === BUILTIN_JAR ? BUILTIN_JAR : path.resolve(dir, d.jar);
  if (jar !== BUILTIN_JAR && !(existsSync(jar) && statSync(jar).isFile())) {
    throw new HarnessError(`${label}: jar: no such file: ${jar}`, `Build the job's jar or correct the path (relative to ${dir}), or use "builtin".`);
  }
  const dumpFile = d.input.dump === undefined ? undefined : path.resolve(dir, d.input.dump);
  if (dumpFile && !existsSync(dumpFile)) throw new HarnessError(`${label}: input.dump: no such file: ${dumpFile}`, 'Record the topic first or correct the path.');
  return { ...d, name: d.name ?? path.basename(file).replace(/\.(ya?ml|json)$/, ''), file: path.resolve(file), jar, ...(dumpFile ? { dumpFile } : {}) };
}

/** Reads and validates a declaration file (YAML, or JSON, which YAML also reads). */
export function loadJobDeclaration(file: string): JobDeclaration {
  const label = path.basename(file);
  if (!existsSync(file)) throw new HarnessError(`${label}: no such file: ${path.resolve(file)}`, 'Give the path of a job declaration (e.g. jobs/dedup.yaml).');
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new HarnessError(`${label}: not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}`, `Fix the syntax of ${file}.`);
  }
  return parseJobDeclaration(raw, file);
}

/** The declaration as a job the cluster submits (the jar is handed to the cluster separately). */
export function jobSpecOf(d: JobDeclaration): JobSpec {
  return {
    checkpointing: true,
    eventTime: false,
    exactlyOnce: d.sink === 'exactly-once',
    entryClass: d.entryClass,
    jobName: d.jobName,
    argsTemplate: d.args,
    transactionalIdPrefix: d.transactionalIdPrefix,
  };
}

function valueAt(raw: unknown, at: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const k of at) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
