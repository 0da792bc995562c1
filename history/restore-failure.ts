// Whether a failure of a job resumed from a savepoint means "Flink cannot
// restore this savepoint" (an incompatible savepoint) or something else. A
// pure function from Flink's own error text (a stack trace from the REST API's
// exception history or execution result, or the CLI's output) to a finding
// that quotes Flink's message: never a crash, never a generic timeout.
// It lives in history/ because both rooms above need it: faults/ classifies
// while it waits for a resume (a restore failure ends the wait), and
// assertions/ reports the finding; neither may import the other.

/** Why Flink could not restore the savepoint. */
export type RestoreFailureReason =
  /** A state serializer (or its snapshot) of the new release cannot read or migrate the old state. */
  | 'serializer'
  /** The savepoint's metadata or state files are in a format this release cannot read. */
  | 'state-format'
  /** The savepoint's operators (uids, max parallelism) do not map onto the new job graph. */
  | 'operator-mapping'
  /** A state backend failed while restoring, for another (quoted) reason. */
  | 'state-restore';

export interface IncompatibleSavepoint {
  kind: 'incompatible savepoint';
  reason: RestoreFailureReason;
  /** Flink's own message: the exception line that says what could not be restored. */
  message: string;
  /** The exception chain it was found in (trimmed), for the report. */
  exception: string;
}

export interface JobFailure {
  kind: 'job failed';
  /** The root cause as Flink wrote it. */
  message: string;
  exception: string;
}

export type FailureClassification = IncompatibleSavepoint | JobFailure;

interface Rule {
  reason: RestoreFailureReason;
  pattern: RegExp;
}

// Most specific first: the first rule that matches any line of the chain decides.
// Texts are Flink's own (1.20 and 2.x: runtime/checkpoint/Checkpoints,
// metadata/MetadataSerializers, state/heap/HeapKeyedStateBackend,
// DefaultOperatorStateBackend, StateSerializerProvider, InternalTimerServiceImpl,
// CompositeTypeSerializerSnapshot, util/StateMigrationException).
const RULES: readonly Rule[] = [
  { reason: 'operator-mapping', pattern: /Cannot map checkpoint\/savepoint state for operator/ },
  { reason: 'operator-mapping', pattern: /Max parallelism mismatch between checkpoint\/savepoint state and new program/ },
  { reason: 'state-format', pattern: /Unrecognized checkpoint version number/ },
  { reason: 'state-format', pattern: /Unexpected magic number/ },
  { reason: 'state-format', pattern: /Corrupt data, magic number mismatch/ },
  { reason: 'state-format', pattern: /is not a valid file URI\. Either the pointer path is invalid, or the checkpoint was created by a different state backend/ },
  { reason: 'serializer', pattern: /StateMigrationException/ },
  { reason: 'serializer', pattern: /must not be incompatible/ },
  { reason: 'serializer', pattern: /must be compatible with the old (?:namespace|key) serializer/ },
  { reason: 'serializer', pattern: /requires migration or is incompatible/ },
  { reason: 'serializer', pattern: /restored state was registered with a new serializer that has incompatible schema/ },
  { reason: 'serializer', pattern: /Incompatible state (?:names|assignment modes)/ },
  { reason: 'serializer', pattern: /(?:Kryo|Pojo)\w*Serializer\w*.*(?:incompatible|cannot be loaded|no longer valid)/i },
];

/** Failures in these places happen while Flink restores state: their root cause is a restore failure. */
const RESTORE_CONTEXT: readonly RegExp[] = [
  /Failed to rollback to checkpoint\/savepoint/,
  /Exception while creating StreamOperatorStateContext/,
  /Could not restore (?:keyed|operator) state backend/,
  /Failed to restore (?:keyed|operator)? ?state/i,
  /Could not load (?:the )?checkpoint metadata/i,
  /Cannot load (?:the )?savepoint/i,
];

/** Classes whose appearance inside a restore context means the state's classes changed. */
const CLASS_CHANGE = /\b(?:java\.lang\.ClassNotFoundException|java\.io\.InvalidClassException|java\.lang\.NoSuchFieldException|com\.esotericsoftware\.kryo\.KryoException)\b/;

export function classifyRestoreFailure(text: string): FailureClassification {
  const chain = exceptionLines(text);
  const exception = trimmed(text);
  for (const rule of RULES) {
    const line = chain.find((l) => rule.pattern.test(l));
    if (line) return { kind: 'incompatible savepoint', reason: rule.reason, message: fromException(line, rule.pattern), exception };
  }
  const contextAt = chain.findIndex((l) => RESTORE_CONTEXT.some((p) => p.test(l)));
  if (contextAt !== -1) {
    const below = chain.slice(contextAt + 1);
    const classChange = below.find((l) => CLASS_CHANGE.test(l));
    if (classChange) return { kind: 'incompatible savepoint', reason: 'serializer', message: classChange, exception };
    // The deepest cause says what went wrong; the context line says it was the restore.
    const message = below.at(-1) ?? chain[contextAt]!;
    return { kind: 'incompatible savepoint', reason: 'state-restore', message, exception };
  }
  return { kind: 'job failed', message: chain.at(-1) ?? (text.trim().split('\n')[0] || '(no message)'), exception };
}

/** True when the text is a failure to restore (as opposed to any other failure of the job). */
export const isRestoreFailure = (text: string) => classifyRestoreFailure(text).kind === 'incompatible savepoint';

/**
 * The exception lines of a Java stack trace, outermost first: the first line
 * and every "Caused by:" (with their message continuation lines), without
 * "at ..." frames, "... n more" and "Suppressed:" blocks.
 */
export function exceptionLines(text: string): string[] {
  const lines: string[] = [];
  let current: string | undefined;
  let suppressed = false;
  const flush = () => {
    if (current !== undefined && current.trim()) lines.push(current.trim());
    current = undefined;
  };
  for (const raw of text.replace(/\r\n/g, '\n').split('\n')) {
    const line = raw.trim();
    if (/^at\s/.test(line) || /^\.\.\.\s*\d+\s+(?:more|common frames omitted)/.test(line)) {
      flush();
      continue;
    }
    if (/^Suppressed:/.test(line)) {
      flush();
      suppressed = true;
      continue;
    }
    const cause = /^Caused by:\s*(.*)$/.exec(line);
    if (cause) {
      flush();
      suppressed = false;
      current = cause[1];
      continue;
    }
    if (suppressed) continue;
    if (current === undefined) {
      // The first line of the trace, or a message continuation after frames (rare): a new entry.
      if (line) current = line;
      continue;
    }
    if (line) current += ` ${line}`;
  }
  flush();
  return lines.map((l) => (l.length > 2_000 ? `${l.slice(0, 2_000)} ...` : l));
}

const JAVA_EXCEPTION = /(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error)\b/g;

/** The line from the exception class that carries the message on ("wrapper text: x.y.FooException: msg" -> "x.y.FooException: msg"). */
function fromException(line: string, pattern: RegExp): string {
  const at = pattern.exec(line)?.index ?? line.length;
  let start = 0;
  for (const m of line.matchAll(JAVA_EXCEPTION)) if (m.index <= at) start = m.index;
  return line.slice(start);
}

function trimmed(text: string, max = 20_000): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}\n... (${t.length - max} more characters)` : t;
}

/** One line for a test failure or a report cell: `incompatible savepoint (serializer): <Flink's message>`. */
export function describeClassification(c: FailureClassification): string {
  return c.kind === 'incompatible savepoint' ? `incompatible savepoint (${c.reason}): ${c.message}` : `job failed: ${c.message}`;
}
