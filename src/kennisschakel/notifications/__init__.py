"""Notifications: an in-app list per user (read/unread) and an opt-in email digest.

models.py    Notification (one row per user, its own read state), DigestPreference
services.py  notify() for the other apps (after commit, once per user and event key),
             mark_read()/mark_all_read(), the digest (send_digest(), send_due_digests())
tasks.py     the periodic digest pass on the "email" queue
waiting.py   the unread ones on Mijn Kennisschakel (core/waiting.py registry)
"""
