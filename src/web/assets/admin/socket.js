// The host's live socket (/api/shows/:id/live): every frame is an array of server messages
// (src/realtime/server-messages.ts). Reconnects after 2 s until closed.

/** @typedef {import('../../wire.js').ServerMessage} ServerMessage */

/**
 * @param {string} showId
 * @param {(message: ServerMessage) => void} onMessage
 * @returns {{ close(): void }}
 */
export function openLiveSocket(showId, onMessage) {
  let closed = false;
  /** @type {WebSocket | null} */
  let ws = null;
  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = (ws = new WebSocket(`${scheme}://${location.host}/api/shows/${showId}/live`));
    socket.onmessage = (e) => {
      for (const m of /** @type {ServerMessage[]} */ (JSON.parse(e.data))) onMessage(m);
    };
    socket.onclose = () => setTimeout(() => !closed && connect(), 2000);
  }
  connect();
  return {
    close() {
      closed = true;
      if (ws) {
        ws.onclose = null;
        ws.close();
      }
    },
  };
}
