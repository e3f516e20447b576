"""Production settings: `pelican -s publishconf.py` or `helpdesk build --settings publishconf.py`."""

import os
import sys

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *  # noqa: F403

# The public address of the portal, used in feeds and the sitemap.
SITE_URL = os.environ.get("HELPDESK_SITE_URL", "https://help.tidewater.example").rstrip("/")
DELETE_OUTPUT_DIRECTORY = True
