// Form pieces every view uses: a labelled field with its error slot, errors next to the fields
// they are about, the confirmation line, and copy buttons.
import { el, toast } from '../ui.js';

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
 * Errors next to the fields they are about; the rest in a toast.
 * @param {HTMLElement} form
 * @param {import('./api.js').ApiError} err
 */
export function showErrors(form, err) {
  for (const p of form.querySelectorAll('.field-error')) p.textContent = '';
  /** @type {import('./api.js').FieldProblem[]} */
  const list = Array.isArray(err.details) ? err.details : [];
  let placed = false;
  for (const d of list) {
    const name = String(d.field || '').replace(/^\//, '').split(/[./]/)[0];
    const slot = name && form.querySelector(`#${CSS.escape(form.dataset.prefix || '')}${CSS.escape(name)}-error`);
    if (slot) {
      slot.textContent = d.problem ?? '';
      placed = true;
    }
  }
  if (!placed) toast(err.message, true);
  else toast('Please fix the marked fields', true);
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
