import cliProgress from 'cli-progress';

/**
 * Progress of a long ingest on stderr: a live bar with records/s and ETA when stderr is a terminal, plain
 * periodic lines otherwise (logs, CI, pipes). ETA comes from bytes read of a file of known size, or from
 * a record estimate (Airbyte ESTIMATE trace), when either is known.
 */
export interface Progress {
  /** Records landed so far (cumulative). */
  records(total: number): void;
  /** Bytes of input read so far (cumulative), and the total when known. */
  bytes(read: number, total?: number): void;
  /** An estimate of the records to expect. */
  estimate(records: number): void;
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  stream?: NodeJS.WriteStream;
  /** Force plain lines (or a bar) regardless of the stream. */
  tty?: boolean;
  /** Seconds between plain lines. */
  intervalSeconds?: number;
  now?: () => number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The plain progress line (pure). */
export function progressLine(p: {
  label: string;
  records: number;
  elapsedSeconds: number;
  fraction?: number;
}): string {
  const rate = p.elapsedSeconds > 0 ? p.records / p.elapsedSeconds : 0;
  let line = `${p.label}: ${p.records.toLocaleString('en-US')} records, ${Math.round(rate).toLocaleString('en-US')}/s`;
  if (p.fraction !== undefined && p.fraction > 0) {
    const pct = Math.min(100, p.fraction * 100);
    const eta = p.fraction < 1 ? (p.elapsedSeconds * (1 - p.fraction)) / p.fraction : 0;
    line += `, ${pct.toFixed(0)}% (ETA ${formatDuration(eta)})`;
  }
  return line;
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const tty = options.tty ?? stream.isTTY === true;
  const started = now();
  let records = 0;
  let bytesRead = 0;
  let bytesTotal: number | undefined;
  let estimated: number | undefined;
  const fraction = () =>
    bytesTotal ? bytesRead / bytesTotal : estimated ? Math.min(1, records / estimated) : undefined;

  if (tty) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${options.label} [{bar}] {percentage}% | {records} records | {rate}/s | ETA {eta_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1000, 0, { rate: 0, records: 0 });
    const update = () => {
      const f = fraction();
      const elapsed = (now() - started) / 1000;
      const rate = elapsed > 0 ? Math.round(records / elapsed) : 0;
      // the bar counts per-mille of input so ETA follows bytes; the label shows records
      bar.update(f !== undefined ? Math.round(f * 1000) : 0, { rate, records });
    };
    return {
      records(total) {
        records = total;
        update();
      },
      bytes(read, total) {
        bytesRead = read;
        if (total) bytesTotal = total;
      },
      estimate(n) {
        estimated = n;
      },
      stop() {
        update();
        bar.stop();
      },
    };
  }

  const interval = (options.intervalSeconds ?? 5) * 1000;
  let lastLine = started;
  const line = () =>
    stream.write(
      `${progressLine({ label: options.label, records, elapsedSeconds: (now() - started) / 1000, fraction: fraction() })}\n`,
    );
  return {
    records(total) {
      records = total;
      if (now() - lastLine >= interval) {
        lastLine = now();
        line();
      }
    },
    bytes(read, total) {
      bytesRead = read;
      if (total) bytesTotal = total;
    },
    estimate(n) {
      estimated = n;
    },
    stop() {
      if (records > 0 && now() - started >= interval) line();
    },
  };
}

/** A progress that shows nothing (tests, library use). */
export const silentProgress: Progress = {
  records: () => undefined,
  bytes: () => undefined,
  estimate: () => undefined,
  stop: () => undefined,
};
