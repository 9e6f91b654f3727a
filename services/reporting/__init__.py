"""reporting: dashboards, reports and daily roll-ups, read from published views."""
