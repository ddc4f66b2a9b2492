import { Component, onWillUnmount, useState } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { formatDateTime } from "@web/core/l10n/dates";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

const { DateTime } = luxon;

const TICK_MS = 20000;

/** "12 min", "2 h 05 min", "3 d 4 h": short enough for a kanban card. */
export function formatMinutes(total) {
    const minutes = total % 60;
    const hours = Math.floor(total / 60) % 24;
    const days = Math.floor(total / 1440);
    if (days) {
        return _t("%(days)s d %(hours)s h", { days, hours });
    }
    if (hours) {
        return _t("%(hours)s h %(minutes)s min", {
            hours,
            minutes: String(minutes).padStart(2, "0"),
        });
    }
    return _t("%s min", minutes);
}

/**
 * Counts down to a datetime (the next customer update) and turns red once
 * it has passed; it ticks by itself, so a board left open stays right.
 */
export class UpdateCountdownField extends Component {
    static template = "helpdesk_expedite.UpdateCountdownField";
    static props = { ...standardFieldProps };

    setup() {
        this.state = useState({ now: DateTime.now() });
        const timer = browser.setInterval(() => {
            this.state.now = DateTime.now();
        }, TICK_MS);
        onWillUnmount(() => browser.clearInterval(timer));
    }

    get deadline() {
        return this.props.record.data[this.props.name];
    }

    get overdue() {
        return this.deadline < this.state.now;
    }

    get label() {
        const minutes = Math.abs(this.deadline.diff(this.state.now, "minutes").minutes);
        if (this.overdue) {
            return _t("Update overdue by %s", formatMinutes(Math.floor(minutes)));
        }
        return _t("Next update in %s", formatMinutes(Math.ceil(minutes)));
    }

    get title() {
        return formatDateTime(this.deadline);
    }
}

export const updateCountdownField = {
    component: UpdateCountdownField,
    displayName: _t("Countdown"),
    supportedTypes: ["datetime"],
};

registry.category("fields").add("helpdesk_expedite_countdown", updateCountdownField);
