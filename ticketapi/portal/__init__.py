"""The portal's dynamic pages (/portal/…), rendered with the static portal's theme."""
