import { request } from 'node:http';
import { createConnection } from 'node:net';

/** A probe as the runtime runs it: Kubernetes' fields, defaults already applied. */
export interface ProbeSpec {
  exec?: { command: string[] };
  tcpSocket?: { port: number };
  httpGet?: { port: number; path: string; scheme?: string; httpHeaders?: { name: string; value: string }[] };
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export interface ProbeTarget {
  podIP: string;
  /** Runs a command inside the container (exec probes). Resolves to its exit code. */
  exec: (command: string[], timeoutMs: number) => Promise<number>;
}

/** One probe attempt. Kubernetes counts an error or a timeout as a failure. */
export async function runProbeOnce(probe: ProbeSpec, target: ProbeTarget): Promise<boolean> {
  const timeoutMs = probe.timeoutSeconds * 1000;
  try {
    if (probe.exec) return (await target.exec(probe.exec.command, timeoutMs)) === 0;
    if (probe.tcpSocket) return await tcpCheck(target.podIP, probe.tcpSocket.port, timeoutMs);
    if (probe.httpGet) return await httpCheck(target.podIP, probe.httpGet, timeoutMs);
  } catch {
    return false;
  }
  return false;
}

function tcpCheck(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Kubernetes treats 200 <= status < 400 as success. */
function httpCheck(host: string, get: NonNullable<ProbeSpec['httpGet']>, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const headers = Object.fromEntries((get.httpHeaders ?? []).map((h) => [h.name, h.value]));
    const req = request({ host, port: get.port, path: get.path || '/', method: 'GET', timeout: timeoutMs, headers }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 400);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

/**
 * Runs a probe on its period and applies the thresholds, reporting each change
 * of the aggregated result (success after successThreshold in a row, failure
 * after failureThreshold in a row).
 */
export class ProbeLoop {
  private timer?: NodeJS.Timeout;
  private successes = 0;
  private failures = 0;
  private result: boolean | undefined;
  private stopped = false;

  constructor(
    private readonly probe: ProbeSpec,
    private readonly target: ProbeTarget,
    private readonly onResult: (ok: boolean) => void,
    /** Readiness only: re-probe every 250 ms until the first success (see tick). */
    private readonly eager = false,
  ) {}

  start(): void {
    this.schedule(this.probe.initialDelaySeconds * 1000);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    const ok = await runProbeOnce(this.probe, this.target);
    if (this.stopped) return;
    if (ok) {
      this.successes++;
      this.failures = 0;
      if (this.result !== true && this.successes >= this.probe.successThreshold) this.report(true);
    } else {
      this.failures++;
      this.successes = 0;
      if (this.result !== false && this.failures >= this.probe.failureThreshold) this.report(false);
    }
    // A readiness probe that has never succeeded is retried every 250 ms, so a pod
    // is Ready soon after it can serve instead of a whole period later. A failure
    // there only keeps the pod unready, which it already is, so this is safe;
    // liveness and startup probes keep Kubernetes' period, since theirs kill.
    const period = this.probe.periodSeconds * 1000;
    this.schedule(this.eager && this.result !== true && this.successes === 0 ? Math.min(period, 250) : period);
  }

  private report(ok: boolean): void {
    this.result = ok;
    this.onResult(ok);
  }
}
