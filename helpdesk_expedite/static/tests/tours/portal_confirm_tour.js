import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("helpdesk_expedite_portal_confirm", {
    steps: () => [
        {
            content: "The incident panel is shown",
            trigger: "#incident_panel:contains(Incident)",
        },
        {
            content: "It tells how many users are affected",
            trigger: "#incident_affected_users:contains(53)",
        },
        {
            content: "The fix is being watched",
            trigger: "#incident_phase:contains(Monitoring)",
        },
        {
            content: "The customer confirms that the service works again",
            trigger: "#incident_confirm_button",
            run: "click",
        },
        {
            content: "The page thanks the customer",
            trigger: "#incident_confirmed:contains(Thank you)",
        },
        {
            content: "The confirm button is gone",
            trigger: "#incident_panel:not(:has(#incident_confirm_button))",
        },
    ],
});
