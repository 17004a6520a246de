"""pytest plugin (registered under ``pytest11``): fixtures named after capmock.

The fixtures arrive with the contract-check work; the module must exist so that pytest
can load the entry point.
"""
