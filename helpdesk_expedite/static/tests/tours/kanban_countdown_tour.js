import { registry } from "@web/core/registry";

const column = ".o_kanban_group:has(.o_kanban_record:contains(Tour ordinary ticket))";

registry.category("web_tour.tours").add("helpdesk_expedite_kanban_countdown", {
    url: "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action?view_type=kanban",
    steps: () => [
        {
            content: "The board shows the tickets by stage",
            trigger: ".o_kanban_view .o_kanban_group .o_kanban_record",
        },
        {
            content: "An Expedite card comes first in the column",
            trigger: `${column} .o_kanban_record:first:contains(Expedite):has(.o_expedite_countdown)`,
        },
        {
            content: "The ordinary ticket comes after the incidents",
            trigger: `${column} .o_kanban_record:contains(Tour on-time incident) ~ .o_kanban_record:contains(Tour ordinary ticket)`,
        },
        {
            content: "The late incident's countdown is red",
            trigger:
                ".o_kanban_record:contains(Tour late incident) .o_expedite_countdown.text-bg-danger:contains(overdue by)",
        },
        {
            content: "The incident on time counts down, not in red",
            trigger:
                ".o_kanban_record:contains(Tour on-time incident) .o_expedite_countdown:not(.text-bg-danger):contains(Next update in)",
        },
        {
            content: "The ordinary ticket has no countdown",
            trigger:
                ".o_kanban_record:contains(Tour ordinary ticket):not(:has(.o_expedite_countdown))",
        },
    ],
});
