// The Storage screen: what each show's media (recording and clips) takes on the data disk, the
// total and the free space, and deleting an ended show's recording (asked first): its video
// and clips go, its timeline, chat and orders stay.
import { el, put, toast } from '../ui.js';
import { api } from './api.js';
import { confirmAction } from './forms.js';

/** @typedef {import('../../wire.js').StorageTotals} StorageTotals */
/** @typedef {import('../../wire.js').Show} Show */

const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** 1536 -> "1.5 KB" (powers of 1024, as disks are counted by df -h) @param {number} bytes */
export function bytesText(bytes) {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** @param {string | null} iso */
const dayText = (iso) => (iso ? new Date(iso).toLocaleString() : '');

/**
 * @param {HTMLElement} main
 * @param {() => void} reload draws the screen again (after a delete)
 */
export async function storageView(main, reload) {
  /** @type {[StorageTotals, Show[]]} */
  const [totals, shows] = await Promise.all([api('GET', '/api/storage'), api('GET', '/api/shows')]);
  const byId = new Map(shows.map((s) => [s.id, s]));

  /** @param {StorageTotals['shows'][number]} row @param {HTMLButtonElement} button */
  async function deleteRecording(row, button) {
    const size = bytesText(row.recordingBytes + row.clipBytes);
    const yes = await confirmAction({
      id: 'recording-confirm',
      question: `Delete the recording of “${row.title}” (${size})? Its video and clips go for good; its timeline, chat and orders stay.`,
      yes: 'Delete the recording',
      no: 'Keep it',
    });
    if (!yes) return;
    button.disabled = true;
    try {
      await api('DELETE', `/api/shows/${row.showId}/recording`);
      toast(`Recording of ${row.title} deleted`);
      reload();
    } catch (err) {
      button.disabled = false;
      const e = /** @type {import('./api.js').ApiError} */ (err);
      toast(e.code ? `${e.message} (${e.code})` : e.message, true);
    }
  }

  /** @param {StorageTotals['shows'][number]} row */
  function showRow(row) {
    const show = byId.get(row.showId);
    const status = show?.status ?? '';
    /** @type {Node} */
    let action;
    if (row.recordingDeletedAt) action = el('span', { class: 'muted', text: `Deleted ${dayText(row.recordingDeletedAt)}` });
    else if (status === 'ended') {
      const button = el('button', { type: 'button', class: 'secondary small danger', 'aria-label': `Delete the recording of ${row.title}` }, 'Delete recording');
      button.addEventListener('click', () => void deleteRecording(row, button));
      action = button;
    } else action = el('span', { class: 'muted', text: status === 'live' ? 'Recording' : '' });
    return el('tr', { 'data-show-id': row.showId },
      el('td', {}, el('a', { href: `#/shows/${row.showId}`, text: row.title })),
      el('td', {}, el('span', { class: 'status', 'data-status': status, text: status })),
      el('td', { class: 'num', text: bytesText(row.recordingBytes) }),
      el('td', { class: 'num', text: bytesText(row.clipBytes) }),
      el('td', {}, action));
  }

  const summary = el('p', { id: 'storage-summary' },
    `Recordings and clips take ${bytesText(totals.totalBytes)}`,
    totals.freeBytes == null ? '.' : `; ${bytesText(totals.freeBytes)} free on the data disk.`);
  const table = el('table', { id: 'storage-table' },
    el('thead', {}, el('tr', {}, el('th', { text: 'Show' }), el('th', { text: 'Status' }), el('th', { class: 'num', text: 'Recording' }), el('th', { class: 'num', text: 'Clips' }), el('th', { text: '' }))),
    el('tbody', {}, ...totals.shows.map(showRow)));
  put(main,
    el('h1', { text: 'Storage' }),
    el('div', { class: 'card', style: 'margin-top:1rem' },
      summary,
      el('p', { class: 'muted', text: 'An ended show’s recording can be deleted to free space: the show, its timeline, chat and orders stay; its replay and clips no longer play. storage.keepRecordingsDays deletes them after that many days.' }),
      totals.shows.length ? table : el('p', { class: 'muted', text: 'No shows yet.' })));
}
