"""Background work on the django-tasks queue (settings.TASKS; `kennisschakel worker` runs it).

models.py   OutgoingEmail: one row per email, the outbox that survives an SMTP outage
outbox.py   queue_email() (row in the caller's transaction, task after commit), the
            claim/send/retry logic, recover_lost_emails()
tasks.py    the django-tasks tasks: send_queued_email (queue "email"), sweep_outbox;
            imports outbox.py and hands it the send task (never the other way round)
health.py   the "tasks" check of GET /health
startup.py  what a `kennisschakel worker` prepares when it starts, registered by the apps
"""
