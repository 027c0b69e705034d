"""What the partnerships app tells other apps, without knowing who listens.

Model signals cover ordinary saves; these cover the writes that send none
(``QuerySet.update()``), so that an app reading partnerships (the matcher's change
log) can follow them while partnerships imports nothing of it.
"""

from django.dispatch import Signal

#: Sent with ``partnership=`` after partner rows changed through ``QuerySet.update()``,
#: inside the writing transaction.
partners_changed = Signal()
