"""The facilitators' "Systeemstatus" page: the /health checks in plain words, and
full index rebuilds started from the page as background tasks."""
