import type { Readable } from 'node:stream';

/**
 * The last lines a container printed while it started. Testcontainers removes
 * a container whose wait strategy timed out, and its logs with it, so the
 * lines are kept as they arrive to explain a failed start.
 */
export class LogTail {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly keep = 25) {}

  /** For `withLogConsumer`: follows the stream until the container goes. */
  readonly consume = (stream: Readable): void => {
    stream.on('data', (chunk: Buffer | string) => this.push(String(chunk)));
    stream.on('error', () => undefined);
  };

  push(text: string): void {
    const parts = (this.partial + text).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim() !== '') this.lines.push(line);
    if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
  }

  /** The kept lines, oldest first, including an unfinished last line. */
  text(): string {
    const all = this.partial.trim() === '' ? this.lines : [...this.lines, this.partial];
    return all.slice(-this.keep).join('\n');
  }
}
