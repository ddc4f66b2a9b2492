# Odoo's own test runner (--test-enable) loads the modules imported here;
# pytest collects every test_*.py file. Both run the same test classes.
from . import (
    test_bad_input,
    test_board,
    test_classification,
    test_customer_mails,
    test_escalation,
    test_leaks,
    test_lib_classification,
    test_lib_escalation,
    test_lifecycle,
    test_monitoring_feed,
    test_monitoring_feed_example,
    test_portal,
    test_query_counts,
    test_reports,
    test_response,
    test_security_matrix,
    test_teams_delivery,
    test_ticket_close_hardening,
    test_tours,
)
