/**
 * Progress for long waits: a single updating line on a terminal, nothing when
 * stderr is piped (so logs and --json output stay clean).
 */
export interface Progress {
  update(message: string): void;
  done(message?: string): void;
}

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  // EMU_PROGRESS_TTY: our output is relayed to a terminal by a parent emu.
  if (!stream.isTTY && process.env.EMU_PROGRESS_TTY !== '1') return { update() {}, done() {} };
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  let frame = 0;
  const started = Date.now();
  return {
    update(message) {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      stream.write(`\r\x1b[2K${frames[frame++ % frames.length]} ${message} (${seconds}s)`);
    },
    done(message) {
      stream.write('\r\x1b[2K' + (message ? message + '\n' : ''));
    },
  };
}

export const silentProgress: Progress = { update() {}, done() {} };
