"""Production settings: `pelican -s publishconf.py` or `helpdesk build --settings publishconf.py`."""

import os
import sys

from helpdesk import shared_settings

sys.path.append(os.path.dirname(__file__))
from pelicanconf import *  # noqa: F403

# The public address of the portal, used in feeds and the sitemap: HELPDESK_SITE_URL, else this.
SITE_URL = shared_settings.site_url(default="https://help.tidewater.example")
DELETE_OUTPUT_DIRECTORY = True
