/** @odoo-module **/
/*
 * A lead refused by the stage gate opens the "Stage outputs missing" dialog at once,
 * whether it was dragged in the pipeline or moved with the form's status bar, and the
 * card or form stays on the stage the lead is really in.
 *
 * The server refuses the move with a RedirectWarning whose action is the gate dialog;
 * other clients (RPC, imports) get the message itself.
 */
import { browser } from "@web/core/browser/browser";
import { UncaughtPromiseError } from "@web/core/errors/error_service";
import { RPCError } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";
import { patch } from "@web/core/utils/patch";
import { StatusBarField } from "@web/views/fields/statusbar/statusbar_field";

const GATE_MODEL = "crm.lead.stage.gate";

/** The gate dialog's action when ``error`` is a refused stage move, else null. */
export function stageGateAction(error) {
    if (!(error instanceof RPCError) || error.exceptionName !== "odoo.exceptions.RedirectWarning") {
        return null;
    }
    const action = error.data.arguments?.[1];
    return action && action.res_model === GATE_MODEL ? action : null;
}

function stageGateErrorHandler(env, error, originalError) {
    if (!(error instanceof UncaughtPromiseError)) {
        return false;
    }
    const action = stageGateAction(originalError);
    if (!action) {
        return false;
    }
    error.unhandledRejectionEvent.preventDefault();
    env.services.action.doAction(action);
    return true;
}

// before the generic RPC error dialog (sequence 97)
registry.category("error_handlers").add("crm_sales_process.stage_gate", stageGateErrorHandler, {
    sequence: 50,
});

patch(StatusBarField.prototype, {
    async selectItem(item) {
        const { name, record } = this.props;
        const previous = record.data[name];
        const hadChanges = record.dirty;
        try {
            await super.selectItem(item);
        } catch (error) {
            if (stageGateAction(error)) {
                // the form must not show the refused stage; other unsaved edits stay
                if (hadChanges) {
                    await record.update({ [name]: previous });
                } else {
                    await record.discard();
                }
                // the status bar skips recomputing its items while it adjusts their layout
                // (an animation frame after each render): render it again once that is over
                await new Promise((resolve) => browser.requestAnimationFrame(resolve));
                this.render();
            }
            throw error;
        }
    },
});
