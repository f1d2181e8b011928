import type { ContainerRuntimeClient } from 'testcontainers';
import { EmuError } from '../errors.ts';
import type { Progress } from '../util/progress.ts';

/** One message of the Docker Engine's build/import progress stream. */
interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Wait for a build (or import) stream to end, showing its steps as progress.
 * A failure names the Dockerfile step that failed and the last lines it printed.
 */
export function followBuildOutput(client: ContainerRuntimeClient, stream: NodeJS.ReadableStream, options: { what: string; progress: Progress }): Promise<void> {
  let step = '';
  const output: string[] = [];
  return new Promise<void>((resolve, reject) => {
    client.container.dockerode.modem.followProgress(
      stream,
      (error: Error | null, messages: BuildMessage[]) => {
        const failure = error?.message ?? messages.find((m) => m.error)?.errorDetail?.message ?? messages.find((m) => m.error)?.error;
        if (!failure) return resolve();
        const last = output.slice(-3).join(' | ');
        const where = step ? ` at ${step}` : '';
        reject(new EmuError('IMAGE_PULL_FAILED', `${options.what} failed${where}: ${failure.trim()}${last ? ` (last output: ${last})` : ''}`));
      },
      (message: BuildMessage) => {
        for (const line of (message.stream ?? message.status ?? '').split('\n').map((l) => l.trim()).filter(Boolean)) {
          if (/^Step \d+\/\d+ : /.test(line)) {
            step = line;
            output.length = 0;
          } else if (!line.startsWith('---> ')) output.push(line.slice(0, 200));
          options.progress.update(`${options.what}: ${line.slice(0, 100)}`);
        }
      },
    );
  });
}
