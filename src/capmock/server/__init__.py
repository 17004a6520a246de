"""Servers capmock runs locally: the webhook sink (``capmock.server.sink``)."""
