"""The commitments ledger's pure core: versions of a release, what changed, re-announcements, deadline
states. No Redis, no clock: time is an argument."""
