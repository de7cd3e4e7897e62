"""Gunicorn settings for production (`gunicorn -c python:vpm.gunicorn_conf vpm.wsgi`).

The access log leaves out query strings and Referer headers: an API search
(`?q=<name>`) or a page that linked here could carry a patient's name.
"""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
accesslog = "-"
# client, time, method, path without its query string, status, bytes, seconds
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(L)s'
