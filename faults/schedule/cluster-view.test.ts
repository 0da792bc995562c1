import { describe, expect, test } from 'vitest';
import { isTaskManagerOf } from './cluster-view.js';

describe('TaskManager ids', () => {
  test('a TaskManager id belongs to the container with its address, and only that one', () => {
    expect(isTaskManagerOf('172.17.0.4:43741-31536a', ['192.168.48.5', '172.17.0.4'])).toBe(true);
    expect(isTaskManagerOf('172.17.0.41:43741-31536a', ['172.17.0.4'])).toBe(false);
    expect(isTaskManagerOf('172.17.0.4:43741-31536a', [])).toBe(false);
  });
});
