"""The service's version (setup.cfg reads it here; the OpenAPI document
names it): on the ground floor, so that the API does not import the
application factory that imports it."""

__version__ = "0.1.0"
