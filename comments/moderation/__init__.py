"""What the editors' desk reads: the queue's reasons and counts, the dashboard."""
