"""What the rules speak of: statuses, hold reasons, who moderates, the discussion settings."""
