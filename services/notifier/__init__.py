"""Notifier: subscriptions, channels, exactly-once alerts, retries, reminders."""
