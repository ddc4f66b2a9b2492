# The escalation model, one file per concern: the record and its actions,
# the acknowledgement link, the delivery bookkeeping, the Teams delivery.
from . import escalation

# isort: split
from . import acknowledge_link, delivery, teams_delivery
