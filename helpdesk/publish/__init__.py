"""Publish: validate and build the static help-centre portal from Markdown and YAML."""
