"""``l10n layout``: a built site measured in Chromium (driven by Playwright, an optional extra).

- ``browser``: finding and launching Chromium, a loopback server, tabs that reach nothing else.
- ``check``: the pages loaded at each width and measured by ``probes.js``; screenshot crops.
- ``report``: the findings as text and JSON.
"""
