import { describe, expect, test } from 'vitest';
import { classifyRestoreFailure } from '../history/restore-failure.js';
import { sqlClientError } from './sql-client.js';

// The end of sql-client.sh -f on Flink 1.20.3 resuming a 2.2.1 savepoint (measured, run 20261202-045752-sqlu).
const OUTPUT = `Flink SQL> [INFO] Execute statement succeeded.

Flink SQL> 
> INSERT INTO output
> FROM TABLE(TUMBLE(TABLE input, DESCRIPTOR(ts), INTERVAL '15' SECOND))[ERROR] Could not execute SQL statement. Reason:
java.lang.IllegalArgumentException: Unrecognized checkpoint version number: 6

Shutting down the session...
done.

Dec 02, 2026 6:23:05 AM org.jline.utils.Log logr
WARNING: Unable to create a system terminal, creating a dumb terminal (enable debug logging for more information)`;

describe('the SQL client\'s error', () => {
  test('is its [ERROR] block up to its own shutdown lines: Flink\'s message alone', () => {
    const error = sqlClientError(OUTPUT)!;
    expect(error).toBe('[ERROR] Could not execute SQL statement. Reason:\njava.lang.IllegalArgumentException: Unrecognized checkpoint version number: 6');
    expect(classifyRestoreFailure(error)).toMatchObject({ kind: 'incompatible savepoint', reason: 'state-format', message: 'java.lang.IllegalArgumentException: Unrecognized checkpoint version number: 6' });
    expect(sqlClientError('Flink SQL> [INFO] Execute statement succeeded.')).toBeUndefined();
  });
});
