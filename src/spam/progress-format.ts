// One line of training progress ("spam  [#####.....]  120/300  85 msg/s"), pure so the CLI
// only decides where and how to write it (\r on a terminal, plain lines otherwise).

export interface ProgressState {
  label: string;
  done: number;
  /** unknown for an mbox until it has been read through */
  total: number | null;
  elapsedMs: number;
}

const BAR_WIDTH = 24;

export function formatProgress(p: ProgressState): string {
  const rate = p.elapsedMs > 0 ? Math.round((p.done * 1000) / p.elapsedMs) : 0;
  if (p.total === null || p.total === 0) return `${p.label.padEnd(5)}  ${p.done} messages  ${rate} msg/s`;
  const share = Math.min(1, p.done / p.total);
  const filled = Math.round(share * BAR_WIDTH);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}`;
  return `${p.label.padEnd(5)}  [${bar}]  ${p.done}/${p.total}  ${Math.round(share * 100)}%  ${rate} msg/s`;
}
