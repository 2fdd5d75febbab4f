import type { ShowEventType } from './show.js';

/**
 * Where a show is in its life, as the live state machine sees it. `publisher` is the RTMP
 * session that holds the show's stream: claimed when its publish is authorised, publishing from
 * its publish-started on. Kept in memory; the database holds only scheduled / live / ended
 * (rehearsal is `scheduled` there, awaiting-reconnect and ending are `live`).
 */
export type ShowPhase =
  /** nothing on air; a claimed publisher has not started yet (or there is none) */
  | { kind: 'scheduled'; publisher: string | null }
  /** the host's stream runs through the pipeline for the cockpit only; viewers still wait */
  | { kind: 'rehearsal'; publisher: string }
  /** on air for everyone */
  | { kind: 'live'; publisher: string }
  /** live, but the publisher dropped: the reconnect timer runs; a claimed reconnect may be in flight */
  | { kind: 'awaiting-reconnect'; publisher: string | null }
  /** the pipeline is being stopped; ended once it has */
  | { kind: 'ending'; reason: string }
  | { kind: 'ended' };

export type ShowPhaseKind = ShowPhase['kind'];
export const showPhaseKinds = ['scheduled', 'rehearsal', 'live', 'awaiting-reconnect', 'ending', 'ended'] as const satisfies readonly ShowPhaseKind[];

export type PhaseInput =
  /** a publish is being authorised (before node-media-server accepts it) */
  | { type: 'claim'; sessionId: string }
  /**
   * the claimed publisher's stream started. backstage: the show rehearses until Go live rather
   * than going live on its stream (a show with a scheduled time, or a test pattern)
   */
  | { type: 'publish'; sessionId: string; remote: string; backstage: boolean }
  | { type: 'unpublish'; sessionId: string; remote: string }
  | { type: 'reconnect-window-elapsed' }
  /** the merchant's Go live (or the start timer, when shows go live at their scheduled time) */
  | { type: 'go-live' }
  /** the merchant's End show */
  | { type: 'end'; reason: string }
  /** the stop asked for by a stop-pipeline effect has finished */
  | { type: 'pipeline-stopped' }
  /** the database says live, but this process never saw the show: its old process died */
  | { type: 'recover' }
  /** the server is stopping: live shows end, rehearsals stop and stay scheduled */
  | { type: 'shutdown' };

/** Why an input was refused; the runner turns it into the ingest's reason or an API error. */
export type PhaseRefusal = 'has-publisher' | 'ending' | 'ended' | 'not-rehearsing' | 'not-live';

/**
 * What the runner does, in order. Effects after the first queued one (start-pipeline,
 * stop-pipeline, clear-media: they wait on FFmpeg) wait in the show's queue behind it.
 */
export type PhaseEffect =
  | { type: 'refuse'; refusal: PhaseRefusal }
  | { type: 'start-pipeline'; sessionId: string }
  /** then: the input to feed back once the pipeline has stopped */
  | { type: 'stop-pipeline'; then?: PhaseInput }
  /** drop the show's media: a rehearsal never reaches the recording */
  | { type: 'clear-media' }
  | { type: 'arm-reconnect-timer' }
  | { type: 'cancel-reconnect-timer' }
  /** go live at the show's scheduled time, when shows are set to (live.goLiveAtScheduledTime) */
  | { type: 'arm-start-timer' }
  | { type: 'cancel-start-timer' }
  /** status live, its timeline event and its webhook, together; viewers are told */
  | { type: 'mark-live' }
  /** close the playlists (EXT-X-ENDLIST) */
  | { type: 'close-playlists' }
  /** status ended, its timeline event and its webhook, together; viewers are told */
  | { type: 'mark-ended'; reason: string }
  | { type: 'record'; event: Extract<ShowEventType, 'publisher.connected' | 'publisher.disconnected'>; payload: Record<string, unknown> }
  /** tell viewers the host is away (the reconnect window runs) or back */
  | { type: 'tell-host'; present: boolean };

export interface PhaseDecision {
  phase: ShowPhase;
  effects: PhaseEffect[];
}

const stay = (phase: ShowPhase, ...effects: PhaseEffect[]): PhaseDecision => ({ phase, effects });
const refuse = (phase: ShowPhase, refusal: PhaseRefusal): PhaseDecision => stay(phase, { type: 'refuse', refusal });

/** Where a show starts, from its stored status. */
export function initialPhase(status: 'scheduled' | 'live' | 'ended'): ShowPhase {
  if (status === 'ended') return { kind: 'ended' };
  // a stored live show that this process does not hold is an orphan: `recover` picks it up
  if (status === 'live') return { kind: 'awaiting-reconnect', publisher: null };
  return { kind: 'scheduled', publisher: null };
}

/** The live phase's rules: pure, no clock, no I/O; the runner in src/live runs the effects. */
export function decide(phase: ShowPhase, input: PhaseInput): PhaseDecision {
  switch (phase.kind) {
    case 'scheduled':
      return fromScheduled(phase, input);
    case 'rehearsal':
      return fromRehearsal(phase, input);
    case 'live':
      return fromLive(phase, input);
    case 'awaiting-reconnect':
      return fromAwaiting(phase, input);
    case 'ending':
      return fromEnding(phase, input);
    case 'ended':
      if (input.type === 'claim') return refuse(phase, 'ended');
      if (input.type === 'go-live' || input.type === 'end') return refuse(phase, 'ended');
      return stay(phase);
  }
}

const ending = (reason: string, ...before: PhaseEffect[]): PhaseDecision => ({
  phase: { kind: 'ending', reason },
  effects: [...before, { type: 'stop-pipeline', then: { type: 'pipeline-stopped' } }],
});

function fromScheduled(phase: Extract<ShowPhase, { kind: 'scheduled' }>, input: PhaseInput): PhaseDecision {
  switch (input.type) {
    case 'claim':
      return phase.publisher ? refuse(phase, 'has-publisher') : stay({ kind: 'scheduled', publisher: input.sessionId });
    case 'publish':
      if (phase.publisher !== input.sessionId) return stay(phase);
      if (input.backstage) {
        // nothing public: no timeline event, no status; a fresh playlist for the preview
        return {
          phase: { kind: 'rehearsal', publisher: input.sessionId },
          effects: [{ type: 'arm-start-timer' }, { type: 'clear-media' }, { type: 'start-pipeline', sessionId: input.sessionId }],
        };
      }
      return {
        phase: { kind: 'live', publisher: input.sessionId },
        effects: [
          { type: 'mark-live' },
          { type: 'record', event: 'publisher.connected', payload: { remote: input.remote, reconnect: false } },
          { type: 'start-pipeline', sessionId: input.sessionId },
        ],
      };
    case 'unpublish':
      // claimed, never started: nothing ran, nothing to record
      return phase.publisher === input.sessionId ? stay({ kind: 'scheduled', publisher: null }) : stay(phase);
    case 'recover':
      return {
        phase: { kind: 'awaiting-reconnect', publisher: null },
        effects: [
          // the reconnect that follows pairs with a disconnect (chapters and stats read them in pairs)
          { type: 'record', event: 'publisher.disconnected', payload: { reason: 'server restarted' } },
          { type: 'arm-reconnect-timer' },
        ],
      };
    case 'go-live':
      return refuse(phase, 'not-rehearsing');
    case 'end':
      return refuse(phase, 'not-live');
    case 'shutdown':
      return stay({ kind: 'scheduled', publisher: null });
    case 'reconnect-window-elapsed':
    case 'pipeline-stopped':
      return stay(phase);
  }
}

function fromRehearsal(phase: Extract<ShowPhase, { kind: 'rehearsal' }>, input: PhaseInput): PhaseDecision {
  switch (input.type) {
    case 'claim':
      return refuse(phase, 'has-publisher');
    case 'unpublish':
    case 'shutdown':
      if (input.type === 'unpublish' && input.sessionId !== phase.publisher) return stay(phase);
      // the rehearsal stops; the show stays scheduled and can rehearse or go live later
      return stay({ kind: 'scheduled', publisher: null }, { type: 'cancel-start-timer' }, { type: 'stop-pipeline' }, { type: 'clear-media' });
    case 'go-live':
      // live from now, on a fresh playlist: the rehearsal is not part of the recording
      return {
        phase: { kind: 'live', publisher: phase.publisher },
        effects: [
          { type: 'cancel-start-timer' },
          { type: 'mark-live' },
          { type: 'record', event: 'publisher.connected', payload: { reconnect: false } },
          { type: 'stop-pipeline' },
          { type: 'clear-media' },
          { type: 'start-pipeline', sessionId: phase.publisher },
        ],
      };
    case 'end':
      return refuse(phase, 'not-live');
    case 'publish':
    case 'recover':
    case 'reconnect-window-elapsed':
    case 'pipeline-stopped':
      return stay(phase);
  }
}

function fromLive(phase: Extract<ShowPhase, { kind: 'live' }>, input: PhaseInput): PhaseDecision {
  switch (input.type) {
    case 'claim':
      return refuse(phase, 'has-publisher');
    case 'unpublish':
      if (input.sessionId !== phase.publisher) return stay(phase);
      return {
        phase: { kind: 'awaiting-reconnect', publisher: null },
        effects: [
          { type: 'record', event: 'publisher.disconnected', payload: { remote: input.remote } },
          // the window runs from the drop, not from when FFmpeg has finished
          { type: 'arm-reconnect-timer' },
          { type: 'tell-host', present: false },
          { type: 'stop-pipeline' },
        ],
      };
    case 'end':
      return ending(input.reason);
    case 'shutdown':
      return ending('server shutdown');
    case 'go-live':
    case 'publish':
    case 'recover':
    case 'reconnect-window-elapsed':
    case 'pipeline-stopped':
      return stay(phase);
  }
}

function fromAwaiting(phase: Extract<ShowPhase, { kind: 'awaiting-reconnect' }>, input: PhaseInput): PhaseDecision {
  switch (input.type) {
    case 'claim':
      return phase.publisher ? refuse(phase, 'has-publisher') : stay({ kind: 'awaiting-reconnect', publisher: input.sessionId });
    case 'publish':
      if (phase.publisher !== input.sessionId) return stay(phase);
      // back within the window: the same show and playlists go on (a test pattern too: it is live)
      return {
        phase: { kind: 'live', publisher: input.sessionId },
        effects: [
          { type: 'cancel-reconnect-timer' },
          { type: 'record', event: 'publisher.connected', payload: { remote: input.remote, reconnect: true } },
          { type: 'tell-host', present: true },
          { type: 'start-pipeline', sessionId: input.sessionId },
        ],
      };
    case 'unpublish':
      if (phase.publisher !== input.sessionId) return stay(phase);
      return {
        phase: { kind: 'awaiting-reconnect', publisher: null },
        effects: [
          { type: 'record', event: 'publisher.disconnected', payload: { remote: input.remote } },
          // the window runs from the drop, not from when FFmpeg has finished
          { type: 'arm-reconnect-timer' },
          { type: 'stop-pipeline' },
        ],
      };
    case 'reconnect-window-elapsed':
      // a reconnect claimed but not started yet keeps the show
      return phase.publisher ? stay(phase) : ending('publisher did not come back');
    case 'end':
      return ending(input.reason, { type: 'cancel-reconnect-timer' });
    case 'shutdown':
      return ending('server shutdown', { type: 'cancel-reconnect-timer' });
    case 'go-live':
    case 'recover':
    case 'pipeline-stopped':
      return stay(phase);
  }
}

function fromEnding(phase: Extract<ShowPhase, { kind: 'ending' }>, input: PhaseInput): PhaseDecision {
  switch (input.type) {
    case 'claim':
      return refuse(phase, 'ending');
    case 'pipeline-stopped':
      return stay({ kind: 'ended' }, { type: 'close-playlists' }, { type: 'mark-ended', reason: phase.reason });
    case 'go-live':
      return refuse(phase, 'ended');
    case 'end':
    case 'shutdown':
    case 'publish':
    case 'unpublish':
    case 'recover':
    case 'reconnect-window-elapsed':
      return stay(phase);
  }
}

/** Whether viewers see the show on air (live, or live and waiting for its host). */
export function isOnAir(phase: ShowPhase): boolean {
  return phase.kind === 'live' || phase.kind === 'awaiting-reconnect' || phase.kind === 'ending';
}
