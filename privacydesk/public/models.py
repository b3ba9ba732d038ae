"""The public website keeps no models of its own: its request form files a data-subject
request in `privacydesk.requests` (Rt5), its contact form a callback, its concern form an
incident."""
