"""The bundled sample site: a yun300 portal built from ``articles.json``, served on loopback.

``partyfield demo`` and the end-to-end tests use the same builder and server, so the demo is
exactly what the tests prove.
"""
