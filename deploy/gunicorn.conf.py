# gunicorn settings for privacydesk behind a proxy (`gunicorn -c deploy/gunicorn.conf.py
# privacydesk.project.wsgi`). `privacydesk serve` applies the same settings itself
# (privacydesk/server/serve.py); use this file only when a process manager starts gunicorn.
#
# W1: no access log; the error log goes through privacydesk's PrivateLogger, which never
# writes an access line and scrubs any client address from error lines.

bind = ["127.0.0.1:8000"]
workers = 3
accesslog = None
errorlog = "-"
loglevel = "warning"
logger_class = "privacydesk.server.serve.PrivateLogger"
capture_output = False
forwarded_allow_ips = "127.0.0.1"
proxy_allow_ips = "127.0.0.1"
timeout = 60
raw_env = ["DJANGO_SETTINGS_MODULE=privacydesk.project.settings"]
