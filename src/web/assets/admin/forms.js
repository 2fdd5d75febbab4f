// Form pieces every view uses: a labelled field with its error slot, errors next to the fields
// they are about, the confirmation line, and copy buttons.
import { el, put, toast } from '../ui.js';
import { fieldProblems } from './api.js';

/**
 * A label, the control, and the field's error slot (`<id>-error`).
 * @param {string} id
 * @param {string} label
 * @param {import('../ui.js').Props & { tag?: 'input' | 'textarea' | 'select' }} [props]
 */
export function field(id, label, props = {}) {
  const { tag = 'input', ...attrs } = props;
  return [el('label', { for: id, text: label }), el(tag, { id, name: id, ...attrs }), el('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' })];
}

/**
 * Errors next to the fields they are about, in words; what no field of the form holds goes
 * to the toast, so nothing the server said is lost.
 * @param {HTMLElement} form
 * @param {import('./api.js').ApiError} err
 */
export function showErrors(form, err) {
  for (const p of form.querySelectorAll('.field-error')) p.textContent = '';
  /** @type {string[]} */
  const unplaced = [];
  let placed = false;
  for (const d of fieldProblems(err)) {
    const name = String(d.field || '').replace(/^\//, '').split(/[./]/)[0];
    const slot = name && form.querySelector(`#${CSS.escape(form.dataset.prefix || '')}${CSS.escape(name)}-error`);
    if (slot) {
      slot.textContent = slot.textContent ? `${slot.textContent}; ${d.problem ?? ''}` : (d.problem ?? '');
      placed = true;
    } else if (d.problem) unplaced.push(d.field ? `${d.field}: ${d.problem}` : d.problem);
  }
  if (!placed) toast(err.message, true);
  else toast(unplaced.length ? unplaced.join('; ') : 'Please fix the marked fields', true);
  form.querySelector('.field-error:not(:empty)')?.previousElementSibling?.scrollIntoView?.({ block: 'nearest' });
}

/**
 * Ask before an action that cannot be undone (a modal dialog); resolves true when the merchant
 * confirms, false on the other button or Escape.
 * @param {{ id: string, question: string, yes: string, no: string }} ask the dialog's id, the
 *   question, and the words of the confirming and the declining button
 * @returns {Promise<boolean>}
 */
export function confirmAction({ id, question, yes, no }) {
  const dialog = el('dialog', { id, 'aria-labelledby': `${id}-text` });
  return new Promise((resolve) => {
    const done = (/** @type {boolean} */ answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    put(dialog,
      el('p', { id: `${id}-text`, text: question }),
      el('div', { class: 'row end' },
        el('button', { type: 'button', class: 'secondary', onclick: () => done(false) }, no),
        el('button', { type: 'button', onclick: () => done(true) }, yes)));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      done(false);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** @param {HTMLElement} node @param {string} text */
export function confirmIn(node, text) {
  node.textContent = `✓ ${text}`;
  toast(text);
}

/** @param {string} label @param {() => string} value */
export function copyButton(label, value) {
  async function copy() {
    try {
      await navigator.clipboard.writeText(value());
      toast(`${label} copied`);
    } catch {
      toast('Copy failed: select and copy by hand', true);
    }
  }
  return el('button', { type: 'button', class: 'secondary small', onclick: copy }, `Copy ${label}`);
}

/** A labelled checkbox in running text. @param {import('../ui.js').Props} props @param {string | Node} label */
export function checkbox(props, label) {
  return el('label', { style: 'font-weight:400' }, el('input', { type: 'checkbox', ...props, style: 'width:auto;min-height:0;margin-right:.4rem' }), label);
}
