# The escalation model, one file per concern: the record and its actions,
# the acknowledgement link, the delivery bookkeeping, email and Teams delivery.
from . import escalation

# isort: split
from . import acknowledge_link, delivery, email_delivery, teams_delivery
