"""Running Kennisschakel in production: the web server, its safety checks, backups.

gunicorn_conf.py  the gunicorn settings (a plain gunicorn config module)
server.py         `kennisschakel serve` with debug off: gunicorn, preloaded, in-process
preflight.py      what makes `serve` refuse to start (unsafe or broken configuration)
snapshot.py       row counts and a checksum of every table (backup manifest, restore check)
backup.py         `kennisschakel backup` / `restore`: one .tar with the database and media
scale/            national-scale SYNTHETIC data for benchmarks (`kennisschakel demo-scale`)
management/       the commands serve, backup, restore and demo-scale (an app for them only)
"""
