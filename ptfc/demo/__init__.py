"""`ptfc demo`: a newcomer's first ten minutes: a few whole cases sent as the partners would."""
