"""The read API, /api/v1/: funded projects, pools, policies with goals, and indicators with
measurements, as JSON for programs. Anonymous and read-only; it shows only what the public
pages show (grants.public.funded_projects() and the public models), in Danish whatever the
visitor's language, like the open-data files. It lives in the roof (web/) because it
gathers every app's public data. Django REST framework + drf-spectacular: docs/decisions.md.
"""
