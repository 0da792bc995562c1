import { describe, expect, test } from 'vitest';
import type { ExceptionHistoryEntry } from '../../containers/flink-rest.js';
import { exceptionEntries } from './job-watcher.js';

// As GET /jobs/<id>/exceptions returned them on this harness's clusters after a
// SIGKILLed TaskManager (2.2.1: endpoint + taskManagerId; 1.20.3 adds the deprecated location).
const stack = 'java.util.concurrent.TimeoutException: The heartbeat of TaskManager with id 172.17.0.4:46433-ed393e timed out.\n\tat org.apache.flink...';
const v2: ExceptionHistoryEntry = {
  exceptionName: 'java.util.concurrent.TimeoutException',
  stacktrace: stack,
  timestamp: 1796157937890,
  taskName: 'ClickEventStatistics Sink: Writer (1/1) - execution #0',
  endpoint: '172.17.0.4:34701',
  taskManagerId: '172.17.0.4:46433-ed393e',
  failureLabels: {},
  concurrentExceptions: [
    { exceptionName: 'java.util.concurrent.TimeoutException', stacktrace: stack, timestamp: 1796157937890, taskName: 'ClickEvent Counter (1/1) - execution #0', endpoint: '172.17.0.4:34701', taskManagerId: '172.17.0.4:46433-ed393e' },
  ],
};
const v1: ExceptionHistoryEntry = { ...v2, endpoint: undefined, location: '172.17.0.4:34701', concurrentExceptions: [] };

describe('exceptionEntries', () => {
  test('2.x: endpoint and resource id, the first stack-trace line as message, concurrent failures kept', () => {
    const [root, concurrent] = exceptionEntries('j1', [v2]);
    expect(root).toEqual({
      jobId: 'j1',
      timestamp: 1796157937890,
      exceptionName: 'java.util.concurrent.TimeoutException',
      message: 'java.util.concurrent.TimeoutException: The heartbeat of TaskManager with id 172.17.0.4:46433-ed393e timed out.',
      taskName: 'ClickEventStatistics Sink: Writer (1/1) - execution #0',
      location: '172.17.0.4:34701',
      taskManagerId: '172.17.0.4:46433-ed393e',
    });
    expect(concurrent?.taskName).toBe('ClickEvent Counter (1/1) - execution #0');
  });

  test('1.20: the deprecated location when there is no endpoint; missing fields stay absent', () => {
    expect(exceptionEntries('j1', [v1])[0]?.location).toBe('172.17.0.4:34701');
    const bare = exceptionEntries('j1', [{ exceptionName: 'x', stacktrace: '', timestamp: 1, taskName: null, endpoint: null, taskManagerId: null }]);
    expect(bare).toEqual([{ jobId: 'j1', timestamp: 1, exceptionName: 'x' }]);
  });
});
