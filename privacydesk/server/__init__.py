"""The web server: `serve` runs gunicorn with privacydesk's options (no access log, an
address-scrubbing logger: W1), `tls` makes the self-signed certificate for `serve --tls`,
and `redirect` is the plain-HTTP listener that sends every request to HTTPS (Sec2).
"""
