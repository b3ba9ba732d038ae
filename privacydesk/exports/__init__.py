"""What every export privacydesk writes shares, below every app (#14.4).

Plain Python, no Django and no privacydesk import: any capability app — requests
(portability), retention (the plan), a staff page — may import it without depending on
another app. `csvsafe` writes CSV that a spreadsheet opens as data, never as formulas;
`pdf` sets the font of every PDF (DejaVu Sans, else the Latin-1 core fonts).
"""
