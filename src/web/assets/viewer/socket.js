// The viewer's live socket: as the viewer once named (?token=), what was sent while it
// (re)connects goes out once it is open, and it backs off up to 32 s between tries.
import { toast } from '../ui.js';
import { currentViewer, forget } from './identity.js';

/** @typedef {import('../../wire.js').ServerMessage} ServerMessage */
/** @typedef {import('../../wire.js').ClientMessage} ClientMessage */

const showId = document.body.dataset.showId ?? '';
/** @type {WebSocket | null} */
let ws = null;
let retry = 0;
/** @type {ClientMessage[]} */
let outbox = [];
/** @type {(m: ServerMessage) => void} */
let handle = () => {};

/** @param {ClientMessage} m */
export function send(m) {
  if (ws && ws.readyState === 1) ws.send(JSON.stringify(m));
  else if (outbox.length < 20) outbox.push(m);
  else toast('Reconnecting… try again in a moment', true);
}

/** @param {(m: ServerMessage) => void} handler what to do with each message the server sends */
export function onServerMessage(handler) {
  handle = handler;
}

/** @param {boolean} [fresh] a new identity: drop the socket that has the old one */
export function connect(fresh = false) {
  if (ws && fresh) {
    ws.onclose = null;
    ws.close();
  }
  const me = currentViewer();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const socket = (ws = new WebSocket(`${scheme}://${location.host}/api/shows/${showId}/live${me ? `?token=${encodeURIComponent(me.token)}` : ''}`));
  socket.onopen = () => {
    const queued = outbox;
    outbox = [];
    for (const m of queued) socket.send(JSON.stringify(m));
  };
  socket.onmessage = (e) => {
    retry = 0;
    for (const m of /** @type {ServerMessage[]} */ (JSON.parse(e.data))) handle(m);
  };
  socket.onclose = (e) => {
    if (e.code === 4401) forget();
    if (e.code === 4404) return;
    retry = Math.min(retry + 1, 6);
    setTimeout(() => connect(), 500 * 2 ** retry);
  };
}
