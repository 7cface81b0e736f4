/** A confirmation before a change: says what will happen, and nothing happens until "confirm". */
import type { ComponentChildren } from 'preact';

export function Confirm({ title, children, confirmLabel, onConfirm, onCancel, danger }: { title: string; children: ComponentChildren; confirmLabel: string; onConfirm: () => void; onCancel: () => void; danger?: boolean }) {
  return (
    <div class="modal-back" onClick={onCancel}>
      <div class="modal" role="dialog" aria-modal="true" aria-label={title} onClick={(e) => e.stopPropagation()}>
        <h3>{title}</h3>
        <div class="modal-body">{children}</div>
        <div class="modal-actions">
          <button type="button" onClick={onCancel} data-testid="confirm-cancel">
            Cancel
          </button>
          <button type="button" class={danger ? 'danger' : 'primary'} onClick={onConfirm} data-testid="confirm-ok">
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
