/** @odoo-module **/
/*
 * Marking an activity done on a lead asks the customer's reaction (positive, neutral,
 * negative, with the reason): the server logs the follow-up with it, the feedback as its
 * content (see mail_activity.py). "Done & Schedule Next" makes the activity scheduled
 * next the follow-up's next step.
 */
import { Activity } from "@mail/core/web/activity_model";
import { ActivityMarkAsDone } from "@mail/core/web/activity_markasdone_popover";
import { useState } from "@odoo/owl";
import { patch } from "@web/core/utils/patch";

/** The context the server reads the reaction from, for an activity on a lead. */
function followupContext(activity) {
    if (activity.res_model !== "crm.lead" || !activity.followupReaction) {
        return {};
    }
    return {
        crm_followup_reaction: activity.followupReaction,
        crm_followup_reason: activity.followupReason || false,
    };
}

patch(Activity.prototype, {
    async markAsDone(attachmentIds = []) {
        const context = followupContext(this);
        if (!Object.keys(context).length) {
            return super.markAsDone(...arguments);
        }
        await this.store.env.services.orm.call("mail.activity", "action_feedback", [[this.id]], {
            attachment_ids: attachmentIds,
            feedback: this.feedback,
            context,
        });
        this.store.activityBroadcastChannel?.postMessage({
            type: "RELOAD_CHATTER",
            payload: { id: this.res_id, model: this.res_model },
        });
    },

    async markAsDoneAndScheduleNext() {
        const context = followupContext(this);
        if (!Object.keys(context).length) {
            return super.markAsDoneAndScheduleNext(...arguments);
        }
        const action = await this.store.env.services.orm.call(
            "mail.activity",
            "action_feedback_schedule_next",
            [[this.id]],
            { feedback: this.feedback, context }
        );
        this.store.activityBroadcastChannel?.postMessage({
            type: "RELOAD_CHATTER",
            payload: { id: this.res_id, model: this.res_model },
        });
        return action;
    },
});

patch(ActivityMarkAsDone.prototype, {
    setup() {
        super.setup();
        this.followup = useState({ reaction: false, reason: "" });
    },

    get isLeadActivity() {
        return this.props.activity.res_model === "crm.lead";
    },

    onClickReaction(value) {
        this.followup.reaction = this.followup.reaction === value ? false : value;
    },

    /** What the popover asked, on the activity the done calls read it from. */
    _setFollowup() {
        if (this.isLeadActivity) {
            this.props.activity.followupReaction = this.followup.reaction;
            this.props.activity.followupReason = this.followup.reason.trim();
        }
    },

    async onClickDone() {
        this._setFollowup();
        return super.onClickDone(...arguments);
    },

    async onClickDoneAndScheduleNext() {
        this._setFollowup();
        return super.onClickDoneAndScheduleNext(...arguments);
    },
});
