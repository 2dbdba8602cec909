/**
 * What screen readers hear while the page works: one polite live region (role="status") that
 * gets the stage when it changes, the percentage at 25 % steps (not every progress message),
 * the result ("20,000 cells annotated …") and other short news. Errors go to the page's
 * role="alert" box instead (announced at once).
 */

const STAGES: Record<string, string> = {
  load_model: 'Loading the model',
  read: 'Reading the file',
  predict: 'Predicting cell types',
  over_clustering: 'Over-clustering the cells',
  voting: 'Majority voting',
  umap: 'Computing the UMAP layout',
  write: 'Writing the file',
  train: 'Training the model',
};

/** Words for a progress stage (unknown stages as they are, underscores as spaces). */
export function stageName(stage: string): string {
  return STAGES[stage] ?? stage.replace(/_/g, ' ');
}

/** The announcement state of one task (a run, a training, a UMAP). */
export interface ProgressState {
  stage: string;
  /** The last announced quarter (0-4), -1 before any. */
  step: number;
}

export const newProgress = (): ProgressState => ({ stage: '', step: -1 });

/**
 * The text to announce for a progress report, or null when nothing new is worth saying: a new
 * stage is announced (with its percentage once past 0), then 25 %, 50 %, 75 % and 100 %.
 */
export function progressAnnouncement(state: ProgressState, stage: string, fraction: number): string | null {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const step = Math.floor(f * 4);
  const pct = `${step * 25} %`;
  if (stage !== state.stage) {
    state.stage = stage;
    state.step = step;
    return step > 0 ? `${stageName(stage)}: ${pct}` : `${stageName(stage)} …`;
  }
  if (step <= state.step) return null;
  state.step = step;
  return `${stageName(stage)}: ${pct}`;
}

/** The page's live region: each message is added as a new line (announced as an addition); the last few stay. */
export class Announcer {
  private state = newProgress();

  constructor(
    private readonly region: HTMLElement,
    private readonly keep = 3,
  ) {}

  /** Says `text` (the same text twice in a row is said twice). */
  say(text: string): void {
    const line = document.createElement('p');
    line.textContent = text;
    this.region.append(line);
    while (this.region.childNodes.length > this.keep) this.region.firstChild!.remove();
  }

  /** A progress report of the current task; announces only the steps progressAnnouncement keeps. */
  progress(stage: string, fraction: number): void {
    const text = progressAnnouncement(this.state, stage, fraction);
    if (text) this.say(text);
  }

  /** A new task starts: its first stage will be announced again. */
  reset(): void {
    this.state = newProgress();
  }
}
